/**
 * The `Comment` Defender records with every action the bot asks for (who asked, and who approved, from where), and
 * the comment an incident keeps of a triage step.
 */
import type { Person } from '../store/requests';

const MAX_NAME = 100;
const MAX_REASON = 300;
const MAX_NOTE = 1000;

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

/**
 * The comment an incident keeps of a triage step, naming the person (Teams name and user principal name) and where it
 * came from: "Resolved as True positive: Malware by Ann Analyst (ann@contoso.com) from Microsoft Teams via
 * Watchstander. Comment: …".
 */
export function incidentComment(what: string, person: Person, principalName: string, note?: string): string {
  const who = `${clean(person.name, MAX_NAME) || 'unknown user'} (${clean(principalName, 256)})`;
  const comment = note ? clean(note, MAX_NOTE) : '';
  return `${what} by ${who} from Microsoft Teams via Watchstander.${comment ? ` Comment: ${comment}` : ''}`;
}

/** Control characters out, spaces collapsed, length capped: the comment lands in Defender's audit trail. */
function clean(text: string, max: number): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}
