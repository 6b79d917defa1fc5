import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axisPlane, gridPlaneThrough, identityPlane, moveTo, planeFromPca, probeOffOrigin, project, projectAll } from '../../src/renderer/features/latent-space/latent-plane';

const close = (a: number[], b: number[], eps = 1e-9) => a.every((x, i) => Math.abs(x - b[i]!) < eps);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

test('a 2-D latent is its own plane', () => {
  const plane = identityPlane();
  assert.deepEqual(project(plane, [1.5, -2]), [1.5, -2]);
  assert.deepEqual(moveTo(plane, [9, 9], 0.25, -1), [0.25, -1]);
  assert.deepEqual([...projectAll(plane, [1, 2, 3, 4], 2)], [1, 2, 3, 4]);
});

test('the PCA plane has orthonormal axes even when the second axis is not quite orthogonal', () => {
  const plane = planeFromPca({ mean: [1, 0, 0], axes: [[2, 0, 0], [0.1, 1, 0]], explained: [0.6, 0.3] });
  assert.ok(close(plane.axisU, [1, 0, 0]));
  assert.ok(close(plane.axisV, [0, 1, 0]));
  assert.ok(Math.abs(dot(plane.axisU, plane.axisV)) < 1e-12);
  assert.deepEqual(project(plane, [3, -1, 5]), [2, -1], 'coordinates are taken from the mean');
});

test('moving within the plane keeps the components off the plane', () => {
  const s = Math.SQRT1_2;
  const plane = planeFromPca({ mean: [0.5, 0.5, 0.5, 0.5], axes: [[s, s, 0, 0], [0, 0, s, -s]], explained: [0.5, 0.2] });
  const z = [1, -2, 3, 0.25];
  const moved = moveTo(plane, z, 0.7, -1.1);
  assert.ok(close(project(plane, moved), [0.7, -1.1]), 'lands on the asked plane coordinates');
  const offPlane = (p: number[]) => {
    const [u, v] = project(plane, p);
    return p.map((x, i) => x - plane.origin[i]! - u * plane.axisU[i]! - v * plane.axisV[i]!);
  };
  assert.ok(close(offPlane(moved), offPlane(z)), 'what lies off the plane stays as it was');
});

test('the grid plane through a point maps (u, v) to the plane coordinates (u, v)', () => {
  const plane = planeFromPca({ mean: [1, 2, 3], axes: [[0, 1, 0], [0, 0, 1]], explained: [0.5, 0.4] });
  const z = [7, 1, 1];
  const { base, axisU, axisV } = gridPlaneThrough(plane, z);
  const point = base.map((b, i) => b + 0.3 * axisU[i]! - 0.8 * axisV[i]!);
  assert.ok(close(project(plane, point), [0.3, -0.8]));
  assert.equal(point[0], 7, 'the grid lies in the plane through z');
});

test('the plane of two chosen dimensions reads those dimensions, and moving on it changes only them', () => {
  const plane = axisPlane(4, 2, 0);
  const z = [1, 2, 3, 4];
  assert.deepEqual(project(plane, z), [3, 1]);
  assert.deepEqual(moveTo(plane, z, -1, 5), [5, 2, -1, 4]);
  assert.deepEqual(Array.from(projectAll(plane, Float32Array.from([...z, 0, 0, 7, 9]), 2)), [3, 1, 7, 0]);
});

test('a 2-D probe stays at the origin when the codes surround it, and starts at their mean when they do not', () => {
  assert.equal(probeOffOrigin(Float32Array.of(-1, -2, 3, 1, 0.5, 4), 3), null);
  // z₂ ∈ [-7.64, -1.09], as a 1-epoch VAE of the fresh-user trial: the origin is above the map.
  const start = probeOffOrigin(Float32Array.of(-1, -7.64, 2, -1.09, 2, -3.27), 3)!;
  assert.equal(start[0], 1);
  assert.ok(Math.abs(start[1]! + 4) < 1e-6, `the mean of z₂: ${start[1]}`);
  assert.deepEqual(probeOffOrigin(Float32Array.of(0, 0, 9, 9), 0), null, 'no codes: nothing to move to');
});
