// Where a train step's time goes: on request, the worker profiles the next step and this lists its
// kernels with their GPU time (where the browser exposes timestamp queries) and call counts.
import { useStore } from '../store';
import { profileRunStep } from '../workerClient';

const SHOWN = 12;

export function StepProfileView() {
  const run = useStore((s) => s.run);
  if (!run) return null;
  const p = run.profile;
  const total = p?.gpuMs ?? null;
  return (
    <div style={{ fontSize: 13, margin: '4px 0' }}>
      <button
        data-testid="pretrain.profile"
        disabled={run.status !== 'running'}
        onClick={profileRunStep}
        title="Profiles the next step kernel by kernel (that step runs slower)"
      >
        Where does the time go? Profile one step
      </button>
      {p && (
        <div data-testid="pretrain.kernel-times">
          <p style={{ margin: '4px 0' }}>
            Step {p.step}: {p.wallMs.toFixed(0)} ms under the profiler, {p.kernelCount} kernels
            {total === null
              ? '; this browser gives no GPU timestamps (Chrome: enable WebGPU timestamp queries), so calls are counted only.'
              : `, ${total.toFixed(1)} ms in kernels (GPU time on WebGPU).`}
          </p>
          <table style={{ borderCollapse: 'collapse' }}>
            <thead>
              <tr>
                <th style={{ textAlign: 'left', paddingRight: 12 }}>kernel</th>
                <th style={{ textAlign: 'right', paddingRight: 12 }}>calls</th>
                {total !== null && <th style={{ textAlign: 'right' }}>ms (share)</th>}
              </tr>
            </thead>
            <tbody>
              {p.kernels.slice(0, SHOWN).map((k) => (
                <tr key={k.name}>
                  <td style={{ paddingRight: 12 }}>{k.name}</td>
                  <td style={{ textAlign: 'right', paddingRight: 12 }}>{k.calls}</td>
                  {total !== null && (
                    <td style={{ textAlign: 'right' }}>
                      {(k.ms ?? 0).toFixed(2)} ({total > 0 ? (((k.ms ?? 0) / total) * 100).toFixed(0) : 0} %)
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
