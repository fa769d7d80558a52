/**
 * P5's yardstick: the barest botbuilder bot — a `CloudAdapter` behind restify, no authentication (like the bot with
 * an empty BOT_ID), answering every message by echoing its text to the connector. Run as its own process:
 *
 *   PORT=3979 node --require ./tests/helpers/swcRegister.js tests/bench/echoBot.ts
 *
 * Prints `echo bot listening on <port>` once it listens.
 */
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ mapParams: false }));
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (context) => {
    if (context.activity.type === ActivityTypes.Message)
      await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  });
});
server.listen(Number(process.env.PORT ?? 3979), '127.0.0.1', () => {
  process.stdout.write(`echo bot listening on ${(server.address() as { port: number }).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
