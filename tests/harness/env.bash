#!/usr/bin/env bash
# The environment Dokku's `dokku` script exports to every command and trigger (see /tmp/dokku-src/dokku),
# computed from DOKKU_ROOT and DOKKU_LIB_PATH the same way. Sourced by bin/dokku and tests/test_helper.bash.

HARNESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

: "${DOKKU_ROOT:?DOKKU_ROOT must point at the Dokku home of the harness}"
: "${DOKKU_LIB_PATH:?DOKKU_LIB_PATH must point at the /var/lib/dokku of the harness}"

export DOKKU_ROOT
export DOKKU_HOST_ROOT="${DOKKU_HOST_ROOT:=$DOKKU_ROOT}"
export DOKKU_DISTRO
DOKKU_DISTRO="$(
  . /etc/os-release &>/dev/null || true
  echo "$ID"
)"
export DOCKER_BIN="${DOCKER_BIN:=docker}"
export DOKKU_LIB_ROOT="$DOKKU_LIB_PATH"
export PLUGIN_PATH="$DOKKU_LIB_ROOT/plugins"
export PLUGIN_AVAILABLE_PATH="$PLUGIN_PATH/available"
export PLUGIN_ENABLED_PATH="$PLUGIN_PATH/enabled"
export PLUGIN_CORE_PATH="$DOKKU_LIB_ROOT/core-plugins"
export PLUGIN_CORE_AVAILABLE_PATH="$PLUGIN_CORE_PATH/available"
export PLUGIN_CORE_ENABLED_PATH="$PLUGIN_CORE_PATH/enabled"
export DOKKU_SYSTEM_GROUP="${DOKKU_SYSTEM_GROUP:=dokku}"
export DOKKU_SYSTEM_USER="${DOKKU_SYSTEM_USER:=dokku}"
export DOKKU_API_VERSION=1
export DOKKU_NOT_IMPLEMENTED_EXIT=10
export DOKKU_VALID_EXIT=0
export DOKKU_LOGS_DIR="$DOKKU_LIB_ROOT/logs"
export DOKKU_CONTAINER_LABEL=dokku
export DOKKU_GLOBAL_BUILD_ARGS="--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=$DOKKU_CONTAINER_LABEL"
export DOKKU_GLOBAL_RUN_ARGS="--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=$DOKKU_CONTAINER_LABEL"

# plugn and dokku of the harness come first, as /usr/bin/plugn and /usr/bin/dokku do on a host
case ":$PATH:" in
  *":$HARNESS_ROOT/bin:"*) ;;
  *) export PATH="$HARNESS_ROOT/bin:$PATH" ;;
esac
