// The graph-step spike's timer (see ae_mlp_8.py): loads a training step saved as a SavedModel with
// tfjs-node and times one step per session call, batch 128, after 100 untimed steps.
//
//   TF_NUM_INTRAOP_THREADS=1 node --import tsx bench/graph-step/run.ts /tmp/graph-step/ae-mlp-8
//   TF_NUM_INTRAOP_THREADS=1 node --import tsx bench/graph-step/run.ts /tmp/graph-step/vae-mlp-20 --noise 20
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-node';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { noise: { type: 'string' }, steps: { type: 'string', default: '1000' } } });
const model = await tf.node.loadSavedModel(positionals[0]!, ['serve'], 'serving_default');
const x = tf.randomUniform([128, 784]);
const step = () => {
  // A VAE's step is fed its noise ε, drawn here as the app's step draws it.
  const eps = values.noise ? tf.randomNormal([128, Number(values.noise)]) : null;
  const out = model.predict(eps ? { x, eps } : x) as Record<string, tf.Tensor>;
  tf.dispose([...Object.values(out), ...(eps ? [eps] : [])]);
};
for (let i = 0; i < 100; i++) step();
const steps = Number(values.steps);
const started = performance.now();
for (let i = 0; i < steps; i++) step();
console.log(`${positionals[0]}: ${((performance.now() - started) / steps).toFixed(2)} ms a step (one session call), TensorFlow threads per op: ${process.env.TF_NUM_INTRAOP_THREADS || 'default'}`);
