/**
 * The `Comment` Defender records with every action the bot asks for: who asked (and who approved), from where.
 */
import type { Person } from '../store/requests';

const MAX_NAME = 100;
const MAX_REASON = 300;

/** A Teams user as the comment names them: "Ann Analyst (aad:6a1f…)". */
export function commentPerson(person: Person): string {
  return `${clean(person.name, MAX_NAME) || 'unknown user'} (aad:${clean(person.id, 64)})`;
}

/**
 * "Antivirus scan (Quick) requested by Ann Analyst (aad:…) from Microsoft Teams via Watchstander", with
 * " and approved by …" for an approved remediation, and its reason.
 */
export function defenderComment(
  what: string,
  requester: Person,
  approval?: { approver: Person; reason?: string },
): string {
  const approved = approval ? ` and approved by ${commentPerson(approval.approver)}` : '';
  const reason = approval?.reason ? `; reason: ${clean(approval.reason, MAX_REASON)}` : '';
  return `${what} requested by ${commentPerson(requester)}${approved} from Microsoft Teams via Watchstander${reason}`;
}

/** Control characters out, spaces collapsed, length capped: the comment lands in Defender's audit trail. */
function clean(text: string, max: number): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}
