#!/usr/bin/env bash
# Builds the container image of every service that has a packaged Quarkus app:
#   deploy/build-images.sh [TAG]   (TAG defaults to the project version, 0.1.0-SNAPSHOT)
# Image: aicunet/<service>-service:<TAG>, from services/<service>/src/main/docker/Dockerfile.jvm
# with services/<service> as the build context. FLEET_CONTAINER_TOOL picks the engine
# [docker]. The Maven build runs this where a container engine exists (profile
# container-images of deploy/tests); run `mvn package -DskipTests` first by hand.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
tag="${1:-0.1.0-SNAPSHOT}"
tool="${FLEET_CONTAINER_TOOL:-docker}"

built=0
while read -r service _; do
  dir="$root/services/$service"
  if [[ ! -f $dir/target/quarkus-app/quarkus-run.jar ]]; then
    printf 'build-images: %s has no packaged app (services/%s/target/quarkus-app); skipped\n' "$service" "$service" >&2
    continue
  fi
  "$tool" build -f "$dir/src/main/docker/Dockerfile.jvm" -t "aicunet/$service-service:$tag" "$dir"
  built=$((built + 1))
done < <(grep -Ev '^[[:space:]]*(#|$)' "$root/platform/devstack/services.conf")
printf 'build-images: %d image(s) built with tag %s\n' "$built" "$tag"
