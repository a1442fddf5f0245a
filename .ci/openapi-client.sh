#!/usr/bin/env bash
# A typed client generated from the OpenAPI document must compile (run after `npm test`, whose
# contract test saves the document to dist/openapi.json).
set -euo pipefail
cd "$(dirname "$0")/.."
npx openapi-typescript dist/openapi.json --output contract/herald-api.d.ts
npx tsc -p contract/tsconfig.json
