/**
 * Incidents and alerts as cards show them.
 */
import type { AlertView, IncidentView } from '../cards';
import type { GraphAlert, Incident } from '../defender/models';

/** Maps a Graph incident into a card row. */
export function toIncidentView(incident: Incident): IncidentView {
  return {
    id: incident.id,
    title: incident.displayName || `Incident ${incident.id}`,
    severity: incident.severity,
    status: incident.status,
    createdAt: incident.createdDateTime,
    updatedAt: incident.lastUpdateDateTime || undefined,
    assignedTo: incident.assignedTo,
    alertCount: incident.alerts?.length ?? 0,
    webUrl: incident.incidentWebUrl,
    classification: incident.classification,
    determination: incident.determination,
  };
}

/** Maps a Graph alert into a digest row. */
export function toAlertView(alert: GraphAlert): AlertView {
  return {
    id: alert.id,
    title: alert.title,
    severity: alert.severity,
    serviceSource: alert.serviceSource,
    detectionSource: alert.detectionSource,
    createdAt: alert.createdDateTime,
  };
}
