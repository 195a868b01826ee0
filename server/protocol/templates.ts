// Starting texts for the files a user creates from the editor (Create AGENTS.md / SOUL.md). Shared here because the
// extension writes them and the host's context tests scan them; they carry no behaviour. Keep them free of HTML
// comments and the like: they are checked against the injection scanner.

export const SOUL_MD_TEMPLATE = `# SOUL.md

Who Hermes is when it works for you. This file replaces the built-in identity: a SOUL.md in a workspace applies to
that workspace, one in HERMES_HOME applies everywhere else. Changes take effect in the next session.

## Identity
You are Hermes, my personal AI agent. You work in my editor and in the chat apps I message you from.

## Tone
- Plain and brief. No filler, no flattery.
- Lead with the answer; details after.

## How to work
- Do the task, then say what changed and how you checked it.
- Ask before anything destructive or hard to undo.
- If you are unsure whether something worked, say so instead of guessing.

## About me
- Name, role, time zone, languages I use.
- Tools and stacks I prefer.
`;

export const AGENTS_MD_TEMPLATE = `# AGENTS.md

Instructions for AI agents working in this repository. Agents read this file at the start of every session, so keep
it short and concrete. An AGENTS.md in a subfolder adds to this one for work inside that folder.

## Project
- What this project is, in one or two sentences.
- Main folders and what lives in them.

## Commands
- Install: \`...\`
- Build: \`...\`
- Test: \`...\` (a single test: \`...\`)
- Lint / type-check: \`...\`

## Conventions
- Code style, naming, where new files go.
- How commits and pull requests are written.

## Boundaries
- Files or folders agents must not edit.
- Actions that need a human first (deploys, migrations, deleting data).
`;
