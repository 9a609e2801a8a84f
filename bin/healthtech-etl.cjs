#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled to dist/node/cli.cjs by `npm run build:node`.
require('../dist/node/cli.cjs');
