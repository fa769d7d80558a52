/**
 * The bot boots with DEFENDER_SCOPE in each form Entra accepts besides the default (`api://…/.default` and
 * `<application id>/.default`) and gets its Defender tokens with exactly that scope: the fake cloud's Defender API
 * accepts only tokens issued for it. (The scopes Entra would refuse are refused by the configuration:
 * tests/unit/config.test.ts.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelMessage } from '../helpers/activities';
import { startBot } from '../helpers/botProcess';
import { startFakeCloud } from '../helpers/fakeCloud';
import { readableCardText, startRecordingConnector } from '../helpers/recordingConnector';

/** The Defender for Endpoint API (WindowsDefenderATP) application id, as docs/permissions.md lists it. */
const DEFENDER_APP_ID = 'fc780465-2017-40d4-a0c5-307022471b92';

test.each([`api://${DEFENDER_APP_ID}/.default`, `${DEFENDER_APP_ID}/.default`])(
  'with DEFENDER_SCOPE=%s the bot boots, asks the authority for that scope and calls Defender with its token',
  async (defenderScope) => {
    const cloud = await startFakeCloud({ defenderScope });
    const connector = await startRecordingConnector();
    const bot = await startBot({
      ...cloud.env(),
      STORE: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ws-scope-')), 'watch.db')}`,
    });
    try {
      expect(cloud.env().DEFENDER_SCOPE).toBe(defenderScope);
      const res = await bot.send(channelMessage('show pending actions', { serviceUrl: connector.url }));
      expect(res.status).toBe(200);
      await connector.waitFor((calls) => calls.some((c) => c.body?.attachments?.length), 20_000, 'the card');
      const card = connector.delivered().find((c) => c.body?.attachments?.length)!.body.attachments[0].content;
      expect(readableCardText(card)).toMatch(/pending approval/i);

      const granted = cloud.tokenRequests.filter((t) => t.token);
      expect(granted.map((t) => t.scope)).toEqual([defenderScope]);
      const defenderCalls = cloud.apiCalls.filter((c) => c.api === 'defender');
      expect(defenderCalls.length).toBeGreaterThanOrEqual(2);
      for (const call of defenderCalls)
        expect({ path: call.path, status: call.status }).toEqual({ path: call.path, status: 200 });
      for (const call of defenderCalls) expect(call.tokenScope).toBe(defenderScope);
    } finally {
      await bot.stop();
      await connector.close();
      await cloud.close();
    }
  },
  60_000,
);
