// tfjs-core as the engine uses it: with its gradients and chained tensor methods (x.add(y)).
// The package's Node entry registers neither; scripts/bundle-tfjs-registrations.js bundles the two
// registration modules into one CommonJS file at install and build time, so nothing is compiled
// when the engine starts (a packaged app could not: its files lie inside an asar archive). The
// entry loads first, so the bundle registers onto its engine and its Tensor class.
import '@tensorflow/tfjs-core';
// Types only: the declarations of the chained methods that the bundle below registers.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import './tfjs-registrations.generated.cjs';

export * from '@tensorflow/tfjs-core';
