/**
 * The fixed vocabulary of the simulated business: detections, people, device names, Secure Score controls,
 * security recommendations. Everything here is fictional (Contoso is Microsoft's sample company) but shaped
 * like what Microsoft Defender for Business shows a small company.
 */

/** Graph `alertSeverity` values, lowest first. */
export const GRAPH_SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high'] as const;
/** A Graph severity. */
export type GraphSeverity = (typeof GRAPH_SEVERITIES)[number];

/** Which product raised an alert. */
export type AlertSource = 'mde' | 'mdo';

/** What evidence an alert carries. */
export type EvidenceKind = 'file' | 'process' | 'url' | 'email';

/** A detection the simulated tenant can raise. */
export interface AlertTemplate {
  title: string;
  source: AlertSource;
  severity: GraphSeverity;
  /** MITRE-style category as both APIs spell it (`DefenseEvasion`). */
  category: string;
  /** Graph `detectionSource`. */
  detectionSource: string;
  /** Defender for Endpoint `detectionSource`. */
  mdeDetectionSource: string;
  threatFamilyName?: string;
  threatName?: string;
  mitreTechniques: readonly string[];
  description: string;
  recommendedActions: string;
  evidence: EvidenceKind;
  /** The antivirus stopped it: the alert is usually resolved automatically. */
  prevented?: boolean;
  fileName?: string;
  filePath?: string;
  commandLine?: string;
}

const AV_ACTIONS =
  'Review the device timeline for activity around the detection. Run a full antivirus scan and update security intelligence.';
const EDR_ACTIONS =
  'Validate the alert and scope the incident. Look for related activity on the device and, if malicious, isolate the device and start an investigation.';
const MAIL_ACTIONS =
  'Review the message and its recipients in Explorer. Reset the credentials of users who clicked, if any.';

/** Detections, Defender for Endpoint first, then Defender for Office 365. */
export const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  {
    title: "'Mimikatz' hacktool was detected",
    source: 'mde',
    severity: 'high',
    category: 'CredentialAccess',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'Mimikatz',
    threatName: 'HackTool:Win32/Mimikatz.D',
    mitreTechniques: ['T1003.001'],
    description:
      'Readily available tools, such as hacking programs, can be used by unauthorized individuals to spy on users. Mimikatz extracts credentials from memory.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    fileName: 'mimikatz.exe',
    filePath: 'C:\\Users\\Public\\Downloads',
  },
  {
    title: 'Suspicious PowerShell command line',
    source: 'mde',
    severity: 'medium',
    category: 'Execution',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1059.001', 'T1027'],
    description:
      'A suspicious PowerShell activity was observed on the machine. This behavior may indicate that PowerShell was used during installation, exploration, or in some cases in lateral movement activities.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'powershell.exe',
    filePath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
    commandLine: 'powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA',
  },
  {
    title: 'Emotet malware was prevented',
    source: 'mde',
    severity: 'low',
    category: 'Malware',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'Emotet',
    threatName: 'Trojan:Win32/Emotet.RPL!MTB',
    mitreTechniques: ['T1204.002'],
    description:
      'Malware and unwanted software are undesirable applications that perform annoying, disruptive, or harmful actions.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    prevented: true,
    fileName: 'Invoice_0423.doc',
    filePath: 'C:\\Users\\reception\\Downloads',
  },
  {
    title: 'Suspicious access to LSASS service',
    source: 'mde',
    severity: 'high',
    category: 'CredentialAccess',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1003.001'],
    description:
      'A process accessed the memory of the Local Security Authority Subsystem Service (LSASS), possibly to dump credentials.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'rundll32.exe',
    filePath: 'C:\\Windows\\System32',
    commandLine: 'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 668 C:\\Temp\\ls.dmp full',
  },
  {
    title: 'Ransomware behavior detected in the file system',
    source: 'mde',
    severity: 'high',
    category: 'Ransomware',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1486', 'T1490'],
    description:
      'A process modified many files in a short time and appended an unusual extension, a behavior typical of ransomware.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'svch0st.exe',
    filePath: 'C:\\ProgramData\\Update',
  },
  {
    title: "An active 'Trickbot' malware was detected",
    source: 'mde',
    severity: 'high',
    category: 'Malware',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'Trickbot',
    threatName: 'Trojan:Win32/Trickbot.SM!MTB',
    mitreTechniques: ['T1055'],
    description:
      'Active malware was detected running on the device. The malware may be able to steal credentials and spread.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    fileName: 'wermgr.exe',
    filePath: 'C:\\Users\\Public',
  },
  {
    title: "'Wacatac' malware was prevented",
    source: 'mde',
    severity: 'informational',
    category: 'Malware',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'Wacatac',
    threatName: 'Trojan:Win32/Wacatac.B!ml',
    mitreTechniques: [],
    description: 'Malware was detected and blocked before it could run.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    prevented: true,
    fileName: 'setup_crack.exe',
    filePath: 'C:\\Users\\Public\\Downloads',
  },
  {
    title: 'Suspicious process injection observed',
    source: 'mde',
    severity: 'medium',
    category: 'DefenseEvasion',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1055', 'T1055.012'],
    description:
      'A process injected code into another process, a technique used to evade defenses and run code in a trusted process.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'notepad.exe',
    filePath: 'C:\\Windows\\System32',
  },
  {
    title: 'Suspicious Task Scheduler activity',
    source: 'mde',
    severity: 'medium',
    category: 'Persistence',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1053.005'],
    description: 'A scheduled task was created that runs a script from a user-writable folder at every logon.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'schtasks.exe',
    filePath: 'C:\\Windows\\System32',
    commandLine: 'schtasks.exe /Create /SC ONLOGON /TN "OneDrive Update" /TR "C:\\Users\\Public\\upd.vbs"',
  },
  {
    title: 'Anomaly detected in ASEP registry',
    source: 'mde',
    severity: 'medium',
    category: 'Persistence',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1547.001'],
    description:
      'A process registered a suspicious command or file in an auto-start extensibility point (ASEP) registry key.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'reg.exe',
    filePath: 'C:\\Windows\\System32',
  },
  {
    title: 'Suspicious WMI process creation',
    source: 'mde',
    severity: 'medium',
    category: 'Execution',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1047'],
    description:
      'A process was created through Windows Management Instrumentation (WMI) with a suspicious command line.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'wmiprvse.exe',
    filePath: 'C:\\Windows\\System32\\wbem',
  },
  {
    title: "'Presenoker' unwanted software was detected",
    source: 'mde',
    severity: 'low',
    category: 'UnwantedSoftware',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'Presenoker',
    threatName: 'PUA:Win32/Presenoker',
    mitreTechniques: [],
    description: 'Potentially unwanted applications can impact device performance and display unexpected advertising.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    fileName: 'FreePDFConverterSetup.exe',
    filePath: 'C:\\Users\\Public\\Downloads',
  },
  {
    title: 'Suspicious sequence of exploration activities',
    source: 'mde',
    severity: 'low',
    category: 'Discovery',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1087', 'T1082', 'T1016'],
    description:
      'A process called a set of windows commands to gather information about the device, the domain and the network.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'cmd.exe',
    filePath: 'C:\\Windows\\System32',
    commandLine: 'cmd.exe /c "whoami /all & net group \\"domain admins\\" /domain & ipconfig /all"',
  },
  {
    title: 'Use of living-off-the-land binary to run malicious code',
    source: 'mde',
    severity: 'medium',
    category: 'DefenseEvasion',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1218.011'],
    description: 'A legitimate Windows binary was used to proxy the execution of a downloaded payload.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'mshta.exe',
    filePath: 'C:\\Windows\\System32',
  },
  {
    title: 'Attempt to turn off Microsoft Defender Antivirus protection',
    source: 'mde',
    severity: 'medium',
    category: 'DefenseEvasion',
    detectionSource: 'microsoftDefenderForEndpoint',
    mdeDetectionSource: 'WindowsDefenderAtp',
    mitreTechniques: ['T1562.001'],
    description:
      'A process tried to turn off real-time protection or add broad exclusions to Microsoft Defender Antivirus.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'process',
    fileName: 'powershell.exe',
    filePath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0',
    commandLine: 'powershell.exe Set-MpPreference -DisableRealtimeMonitoring $true',
  },
  {
    title: "'CVE-2021-40444' exploit malware was detected",
    source: 'mde',
    severity: 'high',
    category: 'Exploit',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'CVE-2021-40444',
    threatName: 'Exploit:O97M/CVE-2021-40444.A',
    mitreTechniques: ['T1203'],
    description: 'A document exploiting a vulnerability in the MSHTML engine was opened.',
    recommendedActions: AV_ACTIONS,
    evidence: 'file',
    fileName: 'Quote_request.docx',
    filePath: 'C:\\Users\\Public\\Documents',
  },
  {
    title: "'EICAR_Test_File' malware was prevented",
    source: 'mde',
    severity: 'informational',
    category: 'Malware',
    detectionSource: 'antivirus',
    mdeDetectionSource: 'WindowsDefenderAv',
    threatFamilyName: 'EICAR_Test_File',
    threatName: 'Virus:DOS/EICAR_Test_File',
    mitreTechniques: [],
    description: 'The EICAR test file was detected. It is used to test antivirus software and is harmless.',
    recommendedActions: 'No action is needed if this was an expected antivirus test.',
    evidence: 'file',
    prevented: true,
    fileName: 'eicar.com.txt',
    filePath: 'C:\\Users\\Public\\Downloads',
  },
  {
    title: 'Connection to a custom network indicator',
    source: 'mde',
    severity: 'medium',
    category: 'CommandAndControl',
    detectionSource: 'customTi',
    mdeDetectionSource: 'CustomTi',
    mitreTechniques: ['T1071.001'],
    description: 'The device connected to a URL that your organization added as a custom indicator of compromise.',
    recommendedActions: EDR_ACTIONS,
    evidence: 'url',
  },
  {
    title: 'Email messages containing malicious URL removed after delivery',
    source: 'mdo',
    severity: 'informational',
    category: 'InitialAccess',
    detectionSource: 'microsoftDefenderForOffice365',
    mdeDetectionSource: '',
    mitreTechniques: ['T1566.002'],
    description: 'Emails with a malicious URL were delivered and later removed by zero-hour auto purge (ZAP).',
    recommendedActions: MAIL_ACTIONS,
    evidence: 'email',
  },
  {
    title: 'Email messages containing malware removed after delivery',
    source: 'mdo',
    severity: 'informational',
    category: 'InitialAccess',
    detectionSource: 'microsoftDefenderForOffice365',
    mdeDetectionSource: '',
    mitreTechniques: ['T1566.001'],
    description: 'Emails with a malicious attachment were delivered and later removed by zero-hour auto purge (ZAP).',
    recommendedActions: MAIL_ACTIONS,
    evidence: 'email',
  },
  {
    title: 'A potentially malicious URL click was detected',
    source: 'mdo',
    severity: 'high',
    category: 'InitialAccess',
    detectionSource: 'microsoftDefenderForOffice365',
    mdeDetectionSource: '',
    mitreTechniques: ['T1566.002'],
    description: 'A user clicked a link in an email that was later found to be malicious.',
    recommendedActions: MAIL_ACTIONS,
    evidence: 'url',
  },
  {
    title: 'Email reported by user as malware or phish',
    source: 'mdo',
    severity: 'informational',
    category: 'InitialAccess',
    detectionSource: 'microsoftDefenderForOffice365',
    mdeDetectionSource: '',
    mitreTechniques: [],
    description: 'A user reported an email as malware or phish with the Report Message button.',
    recommendedActions: MAIL_ACTIONS,
    evidence: 'email',
  },
];

/** Index of a template by title (templates are unique by title). */
export function templateIndex(title: string): number {
  const i = ALERT_TEMPLATES.findIndex((t) => t.title === title);
  if (i < 0) throw new Error(`no alert template titled ${title}`);
  return i;
}

/**
 * The one seeded detection whose title looks like markdown, HTML and a Teams mention, so that every renderer's
 * escaping is exercised. Real file names can carry such text.
 */
export const HOSTILE_TITLE =
  'Suspicious file [invoice](http://evil.example) <at>admin</at> ![x](http://img.example/x.png) was launched';

/** Human names of categories as incident names spell them. */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  CredentialAccess: 'Credential access',
  DefenseEvasion: 'Defense evasion',
  CommandAndControl: 'Command and control',
  InitialAccess: 'Initial access',
  LateralMovement: 'Lateral movement',
  UnwantedSoftware: 'Unwanted software',
  SuspiciousActivity: 'Suspicious activity',
};

/** People of the fictional company (Microsoft's demo-tenant names). */
export const USERS: readonly { name: string; upn: string }[] = [
  'Alex Wilber',
  'Megan Bowen',
  'Adele Vance',
  'Lee Gu',
  'Diego Siciliani',
  'Isaiah Langer',
  'Johanna Lorenz',
  'Lidia Holloway',
  'Lynne Robbins',
  'Nestor Wilke',
  'Patti Fernandez',
  'Pradeep Gupta',
  'Grady Archie',
  'Henrietta Mueller',
  'Joni Sherman',
  'Miriam Graham',
].map((name) => ({ name, upn: `${name.toLowerCase().replace(' ', '.')}@contoso.com` }));

/** Who works the security queue. */
export const ANALYSTS: readonly string[] = ['alex.wilber@contoso.com', 'megan.bowen@contoso.com'];

/** DNS suffix of domain-joined devices. */
export const DNS_SUFFIX = 'contoso.local';

/** Operating systems the simulated devices run. */
export interface OsInfo {
  platform: string;
  version: string;
  build: number | null;
  osKind: 'windows' | 'mac' | 'linux' | 'ios' | 'android';
  osVersion: string;
  /** `runAntiVirusScan` works (Windows 10 1709+ and Windows 11 / Server). */
  canScan: boolean;
  /** `startInvestigation` works (Windows 10/11, Windows Server 2019+). */
  canInvestigate: boolean;
  /** `isolate` works (Windows, macOS, Linux). */
  canIsolate: boolean;
  /** `isolate` with `IsolationType: Selective` works: Windows 10 1709+ and Windows 11 only (isolate-machine page). */
  canIsolateSelectively: boolean;
}

/** Operating system catalogue, keyed by `osPlatform`. */
export const OS: Readonly<Record<string, OsInfo>> = {
  Windows11: {
    platform: 'Windows11',
    version: '23H2',
    build: 22631,
    osKind: 'windows',
    osVersion: '10.0.22631.3447',
    canScan: true,
    canInvestigate: true,
    canIsolate: true,
    canIsolateSelectively: true,
  },
  Windows10: {
    platform: 'Windows10',
    version: '22H2',
    build: 19045,
    osKind: 'windows',
    osVersion: '10.0.19045.4291',
    canScan: true,
    canInvestigate: true,
    canIsolate: true,
    canIsolateSelectively: true,
  },
  WindowsServer2022: {
    platform: 'WindowsServer2022',
    version: '21H2',
    build: 20348,
    osKind: 'windows',
    osVersion: '10.0.20348.2402',
    canScan: true,
    canInvestigate: true,
    canIsolate: true,
    canIsolateSelectively: false,
  },
  WindowsServer2019: {
    platform: 'WindowsServer2019',
    version: '1809',
    build: 17763,
    osKind: 'windows',
    osVersion: '10.0.17763.5696',
    canScan: true,
    canInvestigate: true,
    canIsolate: true,
    canIsolateSelectively: false,
  },
  WindowsServer2016: {
    platform: 'WindowsServer2016',
    version: '1607',
    build: 14393,
    osKind: 'windows',
    osVersion: '10.0.14393.6897',
    canScan: true,
    canInvestigate: false,
    canIsolate: true,
    canIsolateSelectively: false,
  },
  macOS: {
    platform: 'macOS',
    version: '14.4',
    build: null,
    osKind: 'mac',
    osVersion: '14.4.1',
    canScan: false,
    canInvestigate: false,
    canIsolate: true,
    canIsolateSelectively: false,
  },
  Linux: {
    platform: 'Linux',
    version: 'Ubuntu 22.04',
    build: null,
    osKind: 'linux',
    osVersion: '22.04',
    canScan: false,
    canInvestigate: false,
    canIsolate: true,
    canIsolateSelectively: false,
  },
  iOS: {
    platform: 'iOS',
    version: '17.4',
    build: null,
    osKind: 'ios',
    osVersion: '17.4.1',
    canScan: false,
    canInvestigate: false,
    canIsolate: false,
    canIsolateSelectively: false,
  },
  Android: {
    platform: 'Android',
    version: '14',
    build: null,
    osKind: 'android',
    osVersion: '14',
    canScan: false,
    canInvestigate: false,
    canIsolate: false,
    canIsolateSelectively: false,
  },
};

/** Device groups (Defender for Business creates these by default). */
export const RBAC_GROUPS: readonly { id: number; name: string }[] = [
  { id: 4101, name: 'Workstations' },
  { id: 4102, name: 'Servers' },
  { id: 4103, name: 'Mobile devices' },
  { id: 4104, name: 'UnassignedGroup' },
];

/** Department prefixes of generated device names. */
export const DEPARTMENTS: readonly string[] = [
  'FIN',
  'HR',
  'SALES',
  'MKT',
  'OPS',
  'IT',
  'ENG',
  'SUPPORT',
  'ACCT',
  'LEGAL',
  'RND',
  'LOG',
];

/** How a Secure Score control's score moves over the days (day 0 = the tenant's first day, negative = before). */
export type ControlTrend =
  | { kind: 'done' }
  | { kind: 'never' }
  | { kind: 'implementedOn'; day: number }
  | { kind: 'regressedOn'; day: number; to: number }
  | { kind: 'rollout'; from: number; perDay: number };

/** A Secure Score improvement action (`secureScoreControlProfile`) and how this tenant scores on it. */
export interface ControlProfile {
  id: string;
  title: string;
  category: 'Identity' | 'Data' | 'Device' | 'Apps';
  service: string;
  maxScore: number;
  rank: number;
  tier: string;
  actionType: 'Config' | 'Review' | 'Behavior';
  implementationCost: 'Low' | 'Moderate' | 'High';
  userImpact: 'Low' | 'Moderate' | 'High';
  threats: readonly string[];
  remediation: string;
  trend: ControlTrend;
}

/** Secure Score controls of a Business Premium tenant. */
export const CONTROL_PROFILES: readonly ControlProfile[] = [
  {
    id: 'AdminMFAV2',
    title: 'Ensure multifactor authentication is enabled for all users in administrative roles',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 10,
    rank: 1,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['AccountBreach', 'PasswordCracking'],
    remediation: 'Require multifactor authentication for every administrative role with Conditional Access.',
    trend: { kind: 'regressedOn', day: -5, to: 0.67 },
  },
  {
    id: 'MFARegistrationV2',
    title: 'Ensure multifactor authentication is enabled for all users',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 9,
    rank: 2,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Moderate',
    userImpact: 'Moderate',
    threats: ['AccountBreach', 'PasswordCracking', 'ElevationOfPrivilege'],
    remediation: 'Ask every user to register for multifactor authentication and enforce it with Conditional Access.',
    trend: { kind: 'rollout', from: 0.6, perDay: 0.0025 },
  },
  {
    id: 'BlockLegacyAuthentication',
    title: 'Enable Conditional Access policies to block legacy authentication',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 8,
    rank: 3,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Moderate',
    userImpact: 'Moderate',
    threats: ['PasswordSpray', 'AccountBreach'],
    remediation: 'Create a Conditional Access policy that blocks legacy authentication protocols.',
    trend: { kind: 'implementedOn', day: -31 },
  },
  {
    id: 'PWAgePolicyNew',
    title: "Ensure the 'Password expiration policy' is set to 'Set passwords to never expire (recommended)'",
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 8,
    rank: 10,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Moderate',
    threats: ['PasswordCracking'],
    remediation: 'In the Microsoft 365 admin center, set passwords to never expire.',
    trend: { kind: 'done' },
  },
  {
    id: 'OneAdmin',
    title: 'Designate more than one global admin',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 1,
    rank: 30,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['ElevationOfPrivilege'],
    remediation: 'Assign a second global administrator so the tenant is never locked out.',
    trend: { kind: 'done' },
  },
  {
    id: 'RoleOverlap',
    title: 'Use least privileged administrative roles',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 1,
    rank: 31,
    tier: 'Defense in Depth',
    actionType: 'Review',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['ElevationOfPrivilege'],
    remediation: 'Replace global administrator assignments with narrower roles.',
    trend: { kind: 'never' },
  },
  {
    id: 'SelfServicePasswordReset',
    title: 'Enable self-service password reset',
    category: 'Identity',
    service: 'AzureAD',
    maxScore: 1,
    rank: 40,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Moderate',
    threats: ['AccountBreach'],
    remediation: 'Turn on self-service password reset for all users.',
    trend: { kind: 'implementedOn', day: -64 },
  },
  {
    id: 'mdo_safelinksforemail',
    title: 'Create Safe Links policies for email messages',
    category: 'Apps',
    service: 'MDO',
    maxScore: 9,
    rank: 5,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Phishing', 'MaliciousLink'],
    remediation: 'Create a Safe Links policy that rewrites and checks URLs in email messages.',
    trend: { kind: 'done' },
  },
  {
    id: 'mdo_safeattachments',
    title: 'Turn on Safe Attachments in block mode',
    category: 'Apps',
    service: 'MDO',
    maxScore: 8,
    rank: 6,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Malware', 'Phishing'],
    remediation: 'Set the Safe Attachments unknown malware response to Block.',
    trend: { kind: 'implementedOn', day: -12 },
  },
  {
    id: 'mdo_phishthresholdlevel',
    title: 'Set the phishing email level threshold at 2 or higher',
    category: 'Apps',
    service: 'MDO',
    maxScore: 4,
    rank: 14,
    tier: 'Defense in Depth',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Phishing'],
    remediation: 'Raise the phishing threshold of the anti-phishing policy to 2 - Aggressive.',
    trend: { kind: 'never' },
  },
  {
    id: 'exo_mailboxaudit',
    title: 'Ensure mailbox auditing for all users is Enabled',
    category: 'Apps',
    service: 'EXO',
    maxScore: 6,
    rank: 20,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['AccountBreach', 'DataExfiltration'],
    remediation: 'Turn on mailbox auditing by default for the organization.',
    trend: { kind: 'done' },
  },
  {
    id: 'DLPEnabled',
    title: 'Apply Data Loss Prevention policies',
    category: 'Data',
    service: 'MIP',
    maxScore: 10,
    rank: 8,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Moderate',
    userImpact: 'Moderate',
    threats: ['DataExfiltration', 'DataDeletion'],
    remediation: 'Create data loss prevention policies for financial and personal data.',
    trend: { kind: 'never' },
  },
  {
    id: 'scid_2010',
    title: 'Turn on Microsoft Defender Antivirus',
    category: 'Device',
    service: 'MDATP',
    maxScore: 9,
    rank: 4,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Malware', 'Ransomware'],
    remediation: 'Make sure Microsoft Defender Antivirus is turned on for every device.',
    trend: { kind: 'rollout', from: 0.9, perDay: 0.002 },
  },
  {
    id: 'scid_2011',
    title: 'Update Microsoft Defender Antivirus definitions',
    category: 'Device',
    service: 'MDATP',
    maxScore: 8,
    rank: 7,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Malware'],
    remediation: 'Let devices receive security intelligence updates at least daily.',
    trend: { kind: 'rollout', from: 0.8, perDay: 0.001 },
  },
  {
    id: 'scid_2070',
    title: 'Turn on Microsoft Defender Firewall in all profiles',
    category: 'Device',
    service: 'MDATP',
    maxScore: 7,
    rank: 9,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['LateralMovement'],
    remediation: 'Turn on the firewall for the domain, private and public profiles.',
    trend: { kind: 'implementedOn', day: -5 },
  },
  {
    id: 'scid_2090',
    title: 'Block credential stealing from the Windows local security authority subsystem',
    category: 'Device',
    service: 'MDATP',
    maxScore: 7,
    rank: 11,
    tier: 'Defense in Depth',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['CredentialTheft'],
    remediation: 'Turn on the attack surface reduction rule that blocks credential stealing from LSASS.',
    trend: { kind: 'never' },
  },
  {
    id: 'scid_2093',
    title: 'Block executable content from email client and webmail',
    category: 'Device',
    service: 'MDATP',
    maxScore: 7,
    rank: 12,
    tier: 'Defense in Depth',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Malware', 'Phishing'],
    remediation: 'Turn on the attack surface reduction rule that blocks executable content from email.',
    trend: { kind: 'implementedOn', day: -45 },
  },
  {
    id: 'scid_2500',
    title: 'Encrypt all BitLocker-supported drives',
    category: 'Device',
    service: 'MDATP',
    maxScore: 6,
    rank: 13,
    tier: 'Core',
    actionType: 'Config',
    implementationCost: 'Moderate',
    userImpact: 'Low',
    threats: ['DataExfiltration'],
    remediation: 'Turn on BitLocker for the operating system and fixed data drives.',
    trend: { kind: 'rollout', from: 0.55, perDay: 0.003 },
  },
  {
    id: 'scid_2091',
    title: 'Turn on Microsoft Defender Antivirus PUA protection in block mode',
    category: 'Device',
    service: 'MDATP',
    maxScore: 5,
    rank: 16,
    tier: 'Defense in Depth',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['Malware'],
    remediation: 'Set potentially unwanted application protection to Block.',
    trend: { kind: 'never' },
  },
  {
    id: 'scid_96',
    title: "Enable 'Local Security Authority (LSA) protection'",
    category: 'Device',
    service: 'MDATP',
    maxScore: 5,
    rank: 18,
    tier: 'Defense in Depth',
    actionType: 'Config',
    implementationCost: 'Low',
    userImpact: 'Low',
    threats: ['CredentialTheft'],
    remediation: 'Run LSASS as a protected process.',
    trend: { kind: 'regressedOn', day: -20, to: 0.5 },
  },
];

/** A security recommendation of Defender Vulnerability Management, sized for this tenant at seed time. */
export interface RecommendationTemplate {
  id: string;
  name: string;
  productName: string;
  vendor: string;
  category: 'Application' | 'OS' | 'SecurityControls' | 'Network' | 'Accounts';
  subCategory: string;
  remediationType: 'Update' | 'ConfigurationChange' | 'Uninstall' | 'Upgrade';
  recommendedVersion: string;
  severityScore: number;
  exposureImpact: number;
  configScoreImpact: number;
  /** Share of devices exposed. */
  exposedShare: number;
  publicExploit: boolean;
  weaknesses: number;
  associatedThreats: readonly string[];
  relatedComponent: string;
}

/** Recommendations for the simulated estate. */
export const RECOMMENDATIONS: readonly RecommendationTemplate[] = [
  {
    id: 'va-_-google-_-chrome',
    name: 'Update Google Chrome',
    productName: 'chrome',
    vendor: 'google',
    category: 'Application',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '124.0.6367.91',
    severityScore: 8.8,
    exposureImpact: 4.21,
    configScoreImpact: 0,
    exposedShare: 0.56,
    publicExploit: true,
    weaknesses: 14,
    associatedThreats: ['2c7d41f2-6f1e-4b45-9e4b-8a1c2f0d5e21'],
    relatedComponent: 'Chrome',
  },
  {
    id: 'va-_-microsoft-_-windows_11',
    name: 'Update Windows 11',
    productName: 'windows_11',
    vendor: 'microsoft',
    category: 'OS',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '10.0.22631.3527',
    severityScore: 9.8,
    exposureImpact: 6.73,
    configScoreImpact: 0,
    exposedShare: 0.48,
    publicExploit: true,
    weaknesses: 37,
    associatedThreats: ['7a3b0e55-1f6c-4a8e-b3d2-5c9e8f1a2b64', 'c1f9e2d4-3b5a-4c7e-8d6f-0a1b2c3d4e5f'],
    relatedComponent: 'Windows 11',
  },
  {
    id: 'va-_-microsoft-_-windows_10',
    name: 'Update Windows 10',
    productName: 'windows_10',
    vendor: 'microsoft',
    category: 'OS',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '10.0.19045.4355',
    severityScore: 9.8,
    exposureImpact: 5.9,
    configScoreImpact: 0,
    exposedShare: 0.3,
    publicExploit: true,
    weaknesses: 41,
    associatedThreats: ['7a3b0e55-1f6c-4a8e-b3d2-5c9e8f1a2b64'],
    relatedComponent: 'Windows 10',
  },
  {
    id: 'va-_-microsoft-_-edge_chromium-based',
    name: 'Update Microsoft Edge',
    productName: 'edge_chromium-based',
    vendor: 'microsoft',
    category: 'Application',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '124.0.2478.67',
    severityScore: 8.8,
    exposureImpact: 2.1,
    configScoreImpact: 0,
    exposedShare: 0.2,
    publicExploit: false,
    weaknesses: 6,
    associatedThreats: [],
    relatedComponent: 'Edge',
  },
  {
    id: 'va-_-igor_pavlov-_-7-zip',
    name: 'Update 7-Zip',
    productName: '7-zip',
    vendor: 'igor_pavlov',
    category: 'Application',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '24.05',
    severityScore: 7.8,
    exposureImpact: 1.35,
    configScoreImpact: 0,
    exposedShare: 0.24,
    publicExploit: true,
    weaknesses: 2,
    associatedThreats: ['e4d1c2b3-9a8f-4e7d-a6c5-b4a3f2e1d0c9'],
    relatedComponent: '7-Zip',
  },
  {
    id: 'va-_-zoom-_-zoom',
    name: 'Update Zoom',
    productName: 'zoom',
    vendor: 'zoom',
    category: 'Application',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '6.0.2',
    severityScore: 6.5,
    exposureImpact: 0.82,
    configScoreImpact: 0,
    exposedShare: 0.16,
    publicExploit: false,
    weaknesses: 3,
    associatedThreats: [],
    relatedComponent: 'Zoom',
  },
  {
    id: 'va-_-oracle-_-jre',
    name: 'Uninstall Java SE Runtime Environment 8',
    productName: 'jre',
    vendor: 'oracle',
    category: 'Application',
    subCategory: '',
    remediationType: 'Uninstall',
    recommendedVersion: '',
    severityScore: 8.1,
    exposureImpact: 1.12,
    configScoreImpact: 0,
    exposedShare: 0.08,
    publicExploit: false,
    weaknesses: 19,
    associatedThreats: [],
    relatedComponent: 'Java',
  },
  {
    id: 'va-_-adobe-_-acrobat_reader_dc',
    name: 'Update Adobe Acrobat Reader DC',
    productName: 'acrobat_reader_dc',
    vendor: 'adobe',
    category: 'Application',
    subCategory: '',
    remediationType: 'Update',
    recommendedVersion: '24.002.20736',
    severityScore: 7.8,
    exposureImpact: 1.64,
    configScoreImpact: 0,
    exposedShare: 0.36,
    publicExploit: false,
    weaknesses: 8,
    associatedThreats: [],
    relatedComponent: 'Acrobat Reader',
  },
  {
    id: 'scid-2090',
    name: 'Block credential stealing from the Windows local security authority subsystem',
    productName: '',
    vendor: 'microsoft',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 2.4,
    configScoreImpact: 7,
    exposedShare: 0.88,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: ['a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d'],
    relatedComponent: 'Attack Surface Reduction',
  },
  {
    id: 'scid-2070',
    name: 'Turn on Microsoft Defender Firewall in all profiles',
    productName: '',
    vendor: 'microsoft',
    category: 'Network',
    subCategory: 'Firewall',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 1.9,
    configScoreImpact: 6.5,
    exposedShare: 0.12,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: [],
    relatedComponent: 'Firewall',
  },
  {
    id: 'scid-2500',
    name: 'Encrypt all BitLocker-supported drives',
    productName: '',
    vendor: 'microsoft',
    category: 'OS',
    subCategory: 'BitLocker',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 1.5,
    configScoreImpact: 5.8,
    exposedShare: 0.4,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: [],
    relatedComponent: 'BitLocker',
  },
  {
    id: 'scid-2091',
    name: 'Turn on Microsoft Defender Antivirus PUA protection in block mode',
    productName: '',
    vendor: 'microsoft',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 1.2,
    configScoreImpact: 4.6,
    exposedShare: 0.92,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: [],
    relatedComponent: 'Microsoft Defender Antivirus',
  },
  {
    id: 'scid-96',
    name: "Enable 'Local Security Authority (LSA) protection'",
    productName: '',
    vendor: 'microsoft',
    category: 'OS',
    subCategory: 'Credential Guard',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 1.8,
    configScoreImpact: 4.9,
    exposedShare: 0.52,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: ['a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d'],
    relatedComponent: 'Local Security Authority',
  },
  {
    id: 'scid-10',
    name: "Set 'Minimum password length' to '14 or more character(s)'",
    productName: '',
    vendor: 'microsoft',
    category: 'Accounts',
    subCategory: 'Password Policy',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 0.6,
    configScoreImpact: 3.1,
    exposedShare: 1,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: [],
    relatedComponent: 'Password policy',
  },
  {
    id: 'scid-2001',
    name: 'Disable SMBv1 client driver',
    productName: '',
    vendor: 'microsoft',
    category: 'Network',
    subCategory: 'SMB',
    remediationType: 'ConfigurationChange',
    recommendedVersion: '',
    severityScore: 0,
    exposureImpact: 0.9,
    configScoreImpact: 3.7,
    exposedShare: 0.04,
    publicExploit: false,
    weaknesses: 0,
    associatedThreats: ['f0e1d2c3-b4a5-4968-8776-655443322110'],
    relatedComponent: 'SMBv1',
  },
];

/** A remediation task an administrator created in the portal from a recommendation (days relative to the seed). */
export interface RemediationTaskTemplate {
  recommendationId: string;
  createdDay: number;
  dueDay: number;
  priority: 'High' | 'Medium' | 'Low';
  /** Share of target devices fixed at the seed. */
  fixedShare: number;
  /** Share of target devices fixed per day while active. */
  fixRatePerDay: number;
  requester: string;
  /** Completed this many days before the seed; still active when absent. */
  completedDay?: number;
}

const ALEX = 'alex.wilber@contoso.com';
const MEGAN = 'megan.bowen@contoso.com';

function task(
  recommendationId: string,
  [createdDay, dueDay, completedDay]: [number, number, number?],
  priority: RemediationTaskTemplate['priority'],
  [fixedShare, fixRatePerDay]: [number, number],
  requester: string,
): RemediationTaskTemplate {
  return { recommendationId, createdDay, dueDay, completedDay, priority, fixedShare, fixRatePerDay, requester };
}

/** Remediation tasks: some active, some overdue, some completed. */
export const REMEDIATION_TASKS: readonly RemediationTaskTemplate[] = [
  task('va-_-google-_-chrome', [-10, 4], 'High', [0.6, 0.05], ALEX),
  task('va-_-microsoft-_-windows_11', [-20, -3], 'High', [0.4, 0.01], ALEX),
  task('scid-2070', [-18, -4, -5], 'Medium', [1, 0], MEGAN),
  task('scid-2500', [-30, -9], 'Medium', [0.3, 0], ALEX),
  task('va-_-igor_pavlov-_-7-zip', [-25, -11, -15], 'Low', [1, 0], MEGAN),
  task('va-_-zoom-_-zoom', [-2, 10], 'Low', [0, 0.08], MEGAN),
  task('scid-2090', [-6, 2], 'High', [0.1, 0.02], ALEX),
  task('va-_-oracle-_-jre', [-40, -26, -28], 'Medium', [1, 0], ALEX),
];
