// The notebook shell. For now it lists the model presets with their sizes; the pretraining,
// probing and image-lab panels build on the model core in src/model and src/train.
import { numMasked, numPatches } from '../model/config';
import { caeParamSpecs, numel } from '../model/params';
import { PRESETS, PRESET_IDS } from '../model/presets';

const millions = (n: number) => `${(n / 1e6).toFixed(2)} M`;

export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 900, margin: '2rem auto', padding: '0 1rem' }}>
      <h1>CAE notebook</h1>
      <p>
        Masked image modeling with the Context Autoencoder (Chen et al., arXiv 2202.03026), trained in your browser. The model core
        reproduces the official PyTorch code; the live pretraining panel is the next piece to land.
      </p>
      <table data-testid="presets.table" style={{ borderCollapse: 'collapse', width: '100%' }}>
        <thead>
          <tr>
            {['preset', 'image', 'patch', 'width', 'depth', 'heads', 'patches (masked)', 'parameters'].map((h) => (
              <th key={h} style={{ textAlign: 'left', borderBottom: '1px solid #ccc', padding: 4 }}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PRESET_IDS.map((id) => {
            const c = PRESETS[id];
            const params = caeParamSpecs(c).reduce((a, s) => a + numel(s.shape), 0);
            return (
              <tr key={id}>
                <td style={{ padding: 4 }}>
                  <code>{id}</code>
                </td>
                <td>{c.imgSize} px</td>
                <td>{c.patchSize} px</td>
                <td>{c.embedDim}</td>
                <td>{c.depth}</td>
                <td>{c.numHeads}</td>
                <td>
                  {numPatches(c)} ({numMasked(c)})
                </td>
                <td>{millions(params)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </main>
  );
}
