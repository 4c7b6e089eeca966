// Unit tests run TF.js on its CPU backend in Node: exact float32 math, no GPU needed.
import * as tf from '@tensorflow/tfjs';
import { registerCaeOps } from '../model/register';

tf.env().set('IS_TEST', true); // silences the "use tfjs-node" notice
tf.env().set('PROD', true);
await tf.setBackend('cpu');
await tf.ready();
registerCaeOps(); // what the worker's backend set-up registers (src/worker/backend.ts)
