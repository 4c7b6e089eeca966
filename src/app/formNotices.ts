// A notice that a form could not start its job is about that form as it was: once the user changes
// the form (or the datasets it names), the notice goes, so fixed problems never stay on the page.
import { useStore } from './store';

useStore.subscribe((s, prev) => {
  if (s.form !== prev.form || s.datasets !== prev.datasets) s.clearTopic('pretrain.start');
  if (s.probeForm !== prev.probeForm || s.datasets !== prev.datasets || s.encoders !== prev.encoders) s.clearTopic('probe.start');
});
