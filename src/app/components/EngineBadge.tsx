// A run's engine as a short label (pretraining and tokenizer runs alike), whose tooltip says what
// the engine is and why TF.js runs where it does.
import type { EngineName } from '../../protocol/messages';
import { ENGINE_HELP } from '../progress';

export function EngineBadge({ engine, testId }: { engine: { readonly name: EngineName; readonly reason: string | null }; testId: string }) {
  return (
    <span data-testid={testId} className="help" title={`${ENGINE_HELP[engine.name]}${engine.reason ? `. Now: ${engine.reason}.` : ''}`}>
      engine {engine.name === 'replay' ? 'replay' : 'TF.js'}
    </span>
  );
}
