// Unit tests run TF.js on its CPU backend in Node: exact float32 math, no GPU needed.
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true); // silences the "use tfjs-node" notice
tf.env().set('PROD', true);
await tf.setBackend('cpu');
await tf.ready();
