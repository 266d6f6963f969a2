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
import { openai } from './openai/definition.js';
import { anthropic } from './anthropic/definition.js';

/** The platform definitions, by their folder name. @internal */
export const PLATFORMS = { crewship, flowmaestro, praisonai, skills, stax, openai, anthropic } as const;

/** A platform's folder name. @internal */
export type PlatformName = keyof typeof PLATFORMS;
