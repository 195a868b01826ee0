// `hermes-host import hermes`: reads the Hermes agent's state.db (never writing it) into our database.
import { homePaths } from '../config/home';
import { openStore } from '../store';
import { importHermesSessions, type HermesImportResult } from '../store/hermes-import';
import { adoptLegacyDatabase, stateDbKind } from '../store/legacy';

export function runHermesImport(hermesHome: string): HermesImportResult & { ok: boolean; kind: string; message: string } {
  const p = homePaths(hermesHome);
  adoptLegacyDatabase(p.hermesStateDb, p.db);
  const kind = stateDbKind(p.hermesStateDb);
  const store = openStore(p.db);
  try {
    const res = importHermesSessions(store.db, p.hermesStateDb);
    const ok = kind === 'hermes' || kind === 'none';
    const message =
      kind === 'none'
        ? `no Hermes state.db in ${hermesHome}: nothing to import`
        : kind !== 'hermes'
          ? `${p.hermesStateDb} is not a Hermes session database: nothing imported`
          : `imported from ${p.hermesStateDb}: ${res.sessionsAdded} new session(s), ${res.sessionsUpdated} updated, ${res.messagesAdded} message(s)` +
            (res.skipped ? `; ${res.skipped} session(s) deleted here were left out` : '');
    return { ...res, ok, kind, message };
  } finally {
    store.close();
  }
}
