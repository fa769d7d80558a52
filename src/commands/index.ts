/**
 * Routes a chat message to its command.
 */
import { noticeCard } from '../cards';
import { cardContext, type Services } from '../services';
import { assignCommand } from './assignIncident';
import { auditLog } from './audit';
import { devices } from './devices';
import { digestNow } from './digest';
import { help } from './help';
import { incidents } from './incidents';
import { myIncidents } from './myIncidents';
import { parseCommand } from './parse';
import { pendingActions } from './pendingActions';
import { scanCommand } from './scan';
import { secureScore } from './secureScore';
import { subscribe, unsubscribe, type SubscriptionListener } from './subscribe';
import type { CommandRequest, Reply } from './types';

/** Answers chat commands. */
export class CommandRouter {
  constructor(
    private readonly services: Services,
    private readonly schedule: SubscriptionListener,
  ) {}

  /** Parses the text and runs the command; unknown text gets a hint and the help card. */
  async handle(request: CommandRequest): Promise<Reply> {
    const services = this.services;
    const command = parseCommand(request.text);
    switch (command.name) {
      case 'help':
        return help(services, request);
      case 'pendingActions':
        return pendingActions(services);
      case 'incidents':
        return incidents(services, command.severity);
      case 'devices':
        return devices(services);
      case 'secureScore':
        return secureScore(services);
      case 'digest':
        return digestNow(services, request, command.kind);
      case 'subscribe':
        return subscribe(services, request, command.kind, command.at, this.schedule);
      case 'unsubscribe':
        return unsubscribe(services, request, command.kind, this.schedule);
      case 'scan':
        return scanCommand(services, command.device, command.full);
      case 'audit':
        return auditLog(services, request);
      case 'myIncidents':
        return myIncidents(services, request);
      case 'assignIncident':
        return assignCommand(services, request, command.incidentId);
      case 'unknown':
        if (command.problem) {
          return { cards: [noticeCard(cardContext(services), { tone: 'warning', text: command.problem })] };
        }
        return help(services, request, command.text || '(empty message)');
    }
  }
}
