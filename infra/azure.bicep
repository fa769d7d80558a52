// Watchstander in Azure: one Linux web app running the bot, reached by Teams through an Azure Bot, with a
// user-assigned managed identity for everything (Bot Framework, Microsoft Graph, Defender for Endpoint, Azure Storage)
// and a storage account (Tables + Blobs) for state that several instances share. No secret is created anywhere.
//
// Deployed by `atk provision` (teamsapp.yml, arm/deploy) with infra/azure.parameters.json; the outputs at the end are
// written back into env/.env.<env>. The API permissions of the identity (Graph, WindowsDefenderATP) are not ARM
// resources: infra/grant-permissions.sh grants them after this deployment.

@maxLength(20)
@minLength(4)
@description('Base of every resource name (letters and digits; the web app name must be globally unique).')
param resourceBaseName string

@description('App Service plan SKU. B1 is the smallest that supports Always On, which the digest scheduler needs.')
param webAppSku string = 'B1'

@maxLength(42)
@description('Name of the bot in the Azure portal.')
param botDisplayName string = 'Watchstander'

@description('Linux runtime of the web app: Node 22 LTS, the version .ci/run proves the production configuration on.')
param linuxFxVersion string = 'NODE|22-lts'

param location string = resourceGroup().location
param serverfarmsName string = resourceBaseName
param webAppName string = resourceBaseName
param identityName string = resourceBaseName

@maxLength(24)
@minLength(3)
@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
param storageAccountName string = take('${toLower(replace(resourceBaseName, '-', ''))}st', 24)

@description('SECURITY_OPERATORS: comma-separated Entra object ids allowed to scan, investigate and request isolation, or *. Empty = nobody.')
param securityOperators string = ''

@description('SECURITY_APPROVERS: comma-separated Entra object ids allowed to approve or reject remediation requests, or *. Empty = nobody.')
param securityApprovers string = ''

@description('ALLOWED_TENANTS: comma-separated Entra tenant ids served besides the home tenant, or none.')
param allowedTenants string = 'none'

@description('ALLOW_EXTERNAL_MEMBERS: true to post digests to conversations with members of other organisations (shared channels).')
param allowExternalMembers string = 'false'

@description('DIGEST_DAILY_CRON (node-cron).')
param digestDailyCron string = '0 8 * * *'

@description('DIGEST_WEEKLY_CRON (node-cron).')
param digestWeeklyCron string = '30 8 * * 1'

@description('DIGEST_MONTHLY_CRON (node-cron).')
param digestMonthlyCron string = '0 9 1 * *'

@description('DIGEST_TIMEZONE: IANA time zone of the digest schedules.')
param digestTimezone string = 'UTC'

@description('LOG_LEVEL (pino).')
param logLevel string = 'info'

@description('AZURE_AUTHORITY_HOST: token authority (change for sovereign clouds only).')
param azureAuthorityHost string = 'https://login.microsoftonline.com'

@description('GRAPH_ENDPOINT: Microsoft Graph base URL.')
param graphEndpoint string = 'https://graph.microsoft.com'

@description('DEFENDER_ENDPOINT: Defender for Endpoint API base URL (a geo host such as https://eu.api.security.microsoft.com also works).')
param defenderEndpoint string = 'https://api.security.microsoft.com'

@description('DEFENDER_SCOPE: token scope of the Defender for Endpoint API.')
param defenderScope string = 'https://api.securitycenter.microsoft.com/.default'

// Built-in role definitions (same ids in every tenant).
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// AZURE_STORAGE_ACCOUNT_URL is the account's Table endpoint (the store also accepts the Blob endpoint and maps it).
var storageTableUrl = 'https://${storageAccountName}.table.${environment().suffixes.storage}'

// ---- Identity ---------------------------------------------------------------------------------------------------

// The bot's only identity: Bot Framework app id (BOT_ID), Graph/Defender caller (AZURE_CLIENT_ID) and storage user.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

// ---- State --------------------------------------------------------------------------------------------------------

// Conversation references, subscriptions and watermarks, score history, remediation requests and the audit log.
// Keys are disabled: only Entra identities (the bot's, through the role assignments below) can read or write.
resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in [
  storageBlobDataContributor
  storageTableDataContributor
]: {
  name: guid(storage.id, identity.id, roleId)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// ---- Compute ------------------------------------------------------------------------------------------------------

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: serverfarmsName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

// The bot. `atk deploy` zip-deploys the built project (lib/ + production node_modules) and App Service runs it
// straight from the package (read-only wwwroot, hence STORE=azure).
resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      appCommandLine: 'node --disable-warning=DEP0111 lib/src/index.js'
      alwaysOn: true // node-cron schedules the digests in-process: the app must never idle out
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz'
      appSettings: [
        // Bot Framework: the managed identity is the bot's Microsoft App ID; no password.
        {
          name: 'BOT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMsi'
        }
        // Microsoft Graph + Defender for Endpoint, app-only, as the same managed identity (no secret, no certificate).
        {
          name: 'DEFENDER_SOURCE'
          value: 'live'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'AZURE_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'AZURE_AUTHORITY_HOST'
          value: azureAuthorityHost
        }
        {
          name: 'GRAPH_ENDPOINT'
          value: graphEndpoint
        }
        {
          name: 'DEFENDER_ENDPOINT'
          value: defenderEndpoint
        }
        {
          name: 'DEFENDER_SCOPE'
          value: defenderScope
        }
        // State in Azure Storage (Tables + Blobs), reached with the managed identity.
        {
          name: 'STORE'
          value: 'azure'
        }
        {
          name: 'AZURE_STORAGE_ACCOUNT_URL'
          value: storageTableUrl
        }
        // Who may act, and when the digests come.
        {
          name: 'SECURITY_OPERATORS'
          value: securityOperators
        }
        {
          name: 'SECURITY_APPROVERS'
          value: securityApprovers
        }
        // Which organisations are served, and whether digests reach members of others.
        {
          name: 'ALLOWED_TENANTS'
          value: allowedTenants
        }
        {
          name: 'ALLOW_EXTERNAL_MEMBERS'
          value: allowExternalMembers
        }
        {
          name: 'DIGEST_DAILY_CRON'
          value: digestDailyCron
        }
        {
          name: 'DIGEST_WEEKLY_CRON'
          value: digestWeeklyCron
        }
        {
          name: 'DIGEST_MONTHLY_CRON'
          value: digestMonthlyCron
        }
        {
          name: 'DIGEST_TIMEZONE'
          value: digestTimezone
        }
        {
          name: 'LOG_LEVEL'
          value: logLevel
        }
        // Runtime and packaging.
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1' // run from the zip that `atk deploy` uploads
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false' // the package is built (and pruned) before upload; no Oryx build on the server
        }
      ]
    }
  }
}

// FTP is off (ftpsState) and so is its basic authentication. SCM basic authentication stays on: the Toolkit's
// azureAppService/zipDeploy authenticates to Kudu with the site's publishing credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2022-09-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// ---- Bot registration ---------------------------------------------------------------------------------------------

module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    botDisplayName: botDisplayName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// ---- Outputs (written into env/.env.<env> by the Toolkit) ---------------------------------------------------------

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
// Object id of the identity's service principal: infra/grant-permissions.sh grants the API permissions to it.
output BOT_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output STORAGE_ACCOUNT_URL string = storageTableUrl
