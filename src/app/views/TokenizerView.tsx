// The Tokenizer view (issue 24): the d-VAE's recipe beside its live views, and the kept tokenizers.
import { TokenizerList } from '../components/TokenizerList';
import { TokenizerLive } from '../components/TokenizerLive';
import { TokenizerPanel } from '../components/TokenizerPanel';

export default function TokenizerView() {
  return (
    <div className="controls-and-live">
      <TokenizerPanel />
      <div>
        <TokenizerLive />
        <TokenizerList />
      </div>
    </div>
  );
}
