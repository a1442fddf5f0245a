import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { NotFoundError } from '../common/domain-error';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const DIR = join(__dirname, 'assets');
const ASSETS = new Map(
  readdirSync(DIR)
    .filter((name) => TYPES[extname(name)])
    .map((name) => [name, { body: readFileSync(join(DIR, name)), type: TYPES[extname(name)] }]),
);

/** The console's stylesheet and scripts, read once at start; nothing else is served from disk. */
@ApiExcludeController()
@Controller('console/assets')
export class ConsoleAssetsController {
  @Get(':name')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  asset(@Param('name') name: string, @Res() response: Response) {
    const asset = ASSETS.get(name);
    if (!asset) throw new NotFoundError('asset', name);
    response.type(asset.type).send(asset.body);
  }
}
