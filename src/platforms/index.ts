/**
 * Every platform's definition, by name: for the readers that need them all (the CLI's keepalive
 * list, the docs test, the reference server). A resource imports only its own.
 *
 * @module
 */
import { crewship } from './crewship/definition.js';
import { flowmaestro } from './flowmaestro/definition.js';
import { praisonai } from './praisonai/definition.js';
import { skills } from './skills/definition.js';
import { stax } from './stax/definition.js';
import { mcp } from './mcp/definition.js';
import { a2a } from './a2a/definition.js';
import { agui } from './agui/definition.js';
import { openai } from './openai/definition.js';
import { anthropic } from './anthropic/definition.js';

/** The platform definitions, by their folder name. @internal */
export const PLATFORMS = { crewship, flowmaestro, praisonai, skills, stax, mcp, a2a, agui, openai, anthropic } as const;

/** A platform's folder name. @internal */
export type PlatformName = keyof typeof PLATFORMS;
