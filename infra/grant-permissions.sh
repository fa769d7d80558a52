#!/usr/bin/env bash
# Grants Watchstander's managed identity the application permissions (app roles) it needs on Microsoft Graph and on
# the Defender for Endpoint API (WindowsDefenderATP). docs/permissions.md says what each one is used for.
#
# App role assignments to a managed identity ARE the admin consent: nobody has to click "Grant admin consent".
# The signed-in az user must be allowed to assign them: Global Administrator or Privileged Role Administrator.
# Safe to run again: permissions the identity already has are left as they are.
#
# Usage:
#   infra/grant-permissions.sh [options] [IDENTITY]
#
#   IDENTITY                 object (principal) id of the managed identity's service principal, i.e. the output
#                            BOT_MANAGED_IDENTITY_PRINCIPAL_ID of infra/azure.bicep (its client id works too)
#   -e, --env NAME           read BOT_MANAGED_IDENTITY_PRINCIPAL_ID from env/.env.NAME (written by `atk provision`)
#   -g, --resource-group RG  read it from the outputs of the ARM deployment in RG instead
#   -d, --deployment NAME    that deployment's name (default: Create-resources-for-bot, as in teamsapp.yml)
#       --read-only          grant only the read permissions: no Machine.Scan, Machine.Isolate, Alert.ReadWrite.All,
#                            SecurityIncident.ReadWrite.All, so the Run antivirus scan / Start investigation /
#                            Approve (isolation) buttons and incident triage (Assign to me, Take over, Resolve…)
#                            get 403; SecurityIncident.Read.All is enough to read incidents without triage
#       --dry-run            show what would be granted, change nothing
#   -h, --help
#
# Examples:
#   infra/grant-permissions.sh --env dev
#   infra/grant-permissions.sh -g rg-watchstander-dev
#   infra/grant-permissions.sh 4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f --dry-run
#
# Requires the Azure CLI (`az login` first, into the tenant of the bot).
set -euo pipefail

GRAPH_APP_ID='00000003-0000-0000-c000-000000000000'
DEFENDER_APP_ID='fc780465-2017-40d4-a0c5-307022471b92' # WindowsDefenderATP
GRAPH_URL='https://graph.microsoft.com/v1.0'

# Application permissions, by resource. Keep in step with docs/permissions.md.
GRAPH_ROLES=(SecurityIncident.Read.All SecurityAlert.Read.All SecurityEvents.Read.All)
GRAPH_ACTION_ROLES=(SecurityIncident.ReadWrite.All)
DEFENDER_READ_ROLES=(Machine.Read.All Alert.Read.All Score.Read.All SecurityRecommendation.Read.All RemediationTasks.Read.All)
DEFENDER_ACTION_ROLES=(Machine.Scan Machine.Isolate Alert.ReadWrite.All)

GUID_RE='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

identity=''
env_name=''
resource_group=''
deployment='Create-resources-for-bot'
read_only=false
dry_run=false

die() {
  echo "grant-permissions: $*" >&2
  exit 1
}

# az output without the carriage returns az adds on Windows shells.
azq() {
  az "$@" | tr -d '\r'
}

usage() {
  sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -e | --env)
      [[ $# -ge 2 ]] || die "$1 needs an environment name"
      env_name="$2"
      shift 2
      ;;
    -g | --resource-group)
      [[ $# -ge 2 ]] || die "$1 needs a resource group name"
      resource_group="$2"
      shift 2
      ;;
    -d | --deployment)
      [[ $# -ge 2 ]] || die "$1 needs a deployment name"
      deployment="$2"
      shift 2
      ;;
    --read-only)
      read_only=true
      shift
      ;;
    --dry-run)
      dry_run=true
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      die "unknown option $1 (see --help)"
      ;;
    *)
      [[ -z "$identity" ]] || die "more than one identity given: $identity and $1"
      identity="$1"
      shift
      ;;
  esac
done

command -v az >/dev/null 2>&1 || die 'the Azure CLI (az) is not installed: https://aka.ms/installazurecli'
tenant="$(azq account show --query tenantId -o tsv 2>/dev/null)" || die 'not signed in: run az login first'

# ---- Which identity -------------------------------------------------------------------------------------------------

if [[ -z "$identity" && -n "$env_name" ]]; then
  env_file="$REPO_ROOT/env/.env.$env_name"
  [[ -f "$env_file" ]] || die "$env_file does not exist"
  identity="$(sed -n 's/^[[:space:]]*BOT_MANAGED_IDENTITY_PRINCIPAL_ID[[:space:]]*=[[:space:]]*//p' "$env_file" |
    tail -n 1 | tr -d "\"' \r")"
  [[ -n "$identity" ]] || die "BOT_MANAGED_IDENTITY_PRINCIPAL_ID is empty in $env_file: run atk provision --env $env_name first"
fi

if [[ -z "$identity" && -n "$resource_group" ]]; then
  # Output names keep their case in ARM, but match them case-insensitively to be safe.
  outputs="$(azq deployment group show --resource-group "$resource_group" --name "$deployment" \
    --query 'keys(properties.outputs)' -o tsv)" || die "no deployment $deployment in resource group $resource_group"
  key=''
  while IFS= read -r name; do
    # (no ${name,,}: macOS still ships bash 3.2)
    if [[ "$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]')" == 'bot_managed_identity_principal_id' ]]; then
      key="$name"
    fi
  done <<<"$outputs"
  [[ -n "$key" ]] || die "deployment $deployment has no output BOT_MANAGED_IDENTITY_PRINCIPAL_ID"
  identity="$(azq deployment group show --resource-group "$resource_group" --name "$deployment" \
    --query "properties.outputs.$key.value" -o tsv)"
fi

[[ -n "$identity" ]] || die 'which identity? give its principal id, --env NAME or --resource-group RG (see --help)'
[[ "$identity" =~ $GUID_RE ]] || die "not a GUID: $identity"

# `az ad sp show --id` takes an object id or a client (app) id; continue with the object id.
msi="$(azq ad sp show --id "$identity" --query id -o tsv 2>/dev/null)" ||
  die "no service principal $identity in tenant $tenant (is az signed in to the bot's tenant?)"
msi_name="$(azq ad sp show --id "$msi" --query displayName -o tsv)"
echo "Identity: $msi_name ($msi), tenant $tenant"

# ---- Current assignments --------------------------------------------------------------------------------------------

# Lines of "<resource sp id><TAB><app role id>".
existing="$(azq rest --method GET --uri "$GRAPH_URL/servicePrincipals/$msi/appRoleAssignments" \
  --query 'value[].[resourceId, appRoleId]' -o tsv)"

granted=0
present=0

# grant <resource app id> <resource label> <role>...
grant() {
  local app_id="$1" label="$2"
  shift 2
  local resource roles role role_id
  resource="$(azq ad sp show --id "$app_id" --query id -o tsv 2>/dev/null)" || {
    if [[ "$app_id" == "$DEFENDER_APP_ID" ]]; then
      die "the $label service principal ($app_id) does not exist in this tenant yet. It appears once Microsoft Defender for Endpoint / Defender for Business is set up: sign in once to https://security.microsoft.com as an administrator, finish onboarding, then run this script again."
    fi
    die "the $label service principal ($app_id) was not found"
  }
  # Lines of "<role value><TAB><role id>" for the roles an application can hold.
  roles="$(azq ad sp show --id "$app_id" \
    --query "appRoles[?contains(allowedMemberTypes, 'Application')].[value, id]" -o tsv)"
  for role in "$@"; do
    role_id="$(awk -F '\t' -v v="$role" '$1 == v { print $2; exit }' <<<"$roles")"
    [[ -n "$role_id" ]] || die "$label has no application permission $role"
    if grep -qiF "$resource"$'\t'"$role_id" <<<"$existing"; then
      printf '  %-9s %-34s %s\n' 'present' "$role" "$label"
      present=$((present + 1))
    elif [[ "$dry_run" == true ]]; then
      printf '  %-9s %-34s %s\n' 'to grant' "$role" "$label"
    else
      az rest --method POST --uri "$GRAPH_URL/servicePrincipals/$msi/appRoleAssignments" \
        --headers 'Content-Type=application/json' \
        --body "{\"principalId\":\"$msi\",\"resourceId\":\"$resource\",\"appRoleId\":\"$role_id\"}" \
        --output none
      printf '  %-9s %-34s %s\n' 'granted' "$role" "$label"
      granted=$((granted + 1))
    fi
  done
}

graph_roles=("${GRAPH_ROLES[@]}")
defender_roles=("${DEFENDER_READ_ROLES[@]}")
if [[ "$read_only" == false ]]; then
  graph_roles+=("${GRAPH_ACTION_ROLES[@]}")
  defender_roles+=("${DEFENDER_ACTION_ROLES[@]}")
fi

grant "$GRAPH_APP_ID" 'Microsoft Graph' "${graph_roles[@]}"
grant "$DEFENDER_APP_ID" 'WindowsDefenderATP' "${defender_roles[@]}"

if [[ "$dry_run" == true ]]; then
  echo "Dry run: nothing changed ($present already present)."
  exit 0
fi
echo "Done: $granted granted, $present already present."
if [[ "$granted" -gt 0 ]]; then
  echo 'New permissions are in tokens issued from now on. If the bot already holds a token for Graph or Defender,'
  echo 'it keeps the old permissions until that token expires (about an hour; the managed-identity platform can'
  echo 'cache tokens longer). Restarting the web app drops the bot'"'"'s own token cache: az webapp restart -g <rg> -n <app>'
fi
