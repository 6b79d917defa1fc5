// A TensorFlow graph written from JavaScript and run as one session by tfjs-node's binding.
//
// tfjs-node runs TensorFlow eagerly, one op per call, and its binding offers no way to build a graph
// except by loading a SavedModel. So a graph is written as one (saved_model.pb with the graph and no
// variables file, which TensorFlow's loader accepts), in TensorFlow's own protobuf messages as the
// package ships them compiled (dist/proto/api_pb.js, google-protobuf), loaded once, then run by name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { tensorFlowProtos, type TensorFlowProtos } from './native';
import type { OpAttr, TensorFlowBackend } from './tensorflow-kernels';

/** A tensor's value as given to TensorFlow: shape, dtype (TensorFlow's enum) and data. */
export interface TensorValue {
  shape: number[];
  dtype: number;
  data: Float32Array | Int32Array | Uint8Array;
}

/** An attribute of a graph node: tfjs-node's form, or a tensor (a constant's value). */
export type GraphAttr = OpAttr | { name: string; tensor: TensorValue };

export interface GraphNode {
  name: string;
  op: string;
  /** Other nodes' outputs ("node" for output 0, "node:i"), then control inputs ("^node"). */
  inputs: string[];
  attrs: GraphAttr[];
}

/** The nodes of a graph under construction, in any order (TensorFlow sorts them). */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];

  constructor(private readonly binding: TensorFlowBackend['binding']) {}

  /** Adds a node; returns its name, which is also the name of its output 0. */
  add(name: string, op: string, inputs: string[], attrs: GraphAttr[] = []): string {
    this.nodes.push({ name, op, inputs, attrs });
    return name;
  }

  /** A float32 or int32 constant. */
  constant(name: string, value: TensorValue): string {
    return this.add(name, 'Const', [], [{ name: 'dtype', type: this.binding.TF_ATTR_TYPE, value: value.dtype }, { name: 'value', tensor: value }]);
  }

  /** A float32 scalar constant. */
  scalar(name: string, value: number): string {
    return this.constant(name, { shape: [], dtype: this.binding.TF_FLOAT, data: Float32Array.of(value) });
  }

  /** An input fed at every run. */
  placeholder(name: string, dtype: number, shape: number[]): string {
    const { binding } = this;
    return this.add(name, 'Placeholder', [], [
      { name: 'dtype', type: binding.TF_ATTR_TYPE, value: dtype },
      { name: 'shape', type: binding.TF_ATTR_SHAPE, value: shape },
    ]);
  }

  /** `input` passed through once every node in `after` has run: a fetchable name for work without outputs. */
  after(name: string, input: string, after: string[], dtype: number): string {
    return this.add(name, 'Identity', [input, ...after.map((node) => `^${node}`)], [{ name: 'T', type: this.binding.TF_ATTR_TYPE, value: dtype }]);
  }
}

function shapeProto(pb: TensorFlowProtos, shape: number[]) {
  const proto = new pb.TensorShape();
  for (const size of shape) {
    const dim = new pb.TensorShape.Dim();
    dim.setSize(size);
    proto.addDim(dim);
  }
  return proto;
}

function attrProto(pb: TensorFlowProtos, binding: TensorFlowBackend['binding'], attr: GraphAttr) {
  const value = new pb.AttrValue();
  if ('tensor' in attr) {
    const tensor = new pb.Tensor();
    tensor.setDtype(attr.tensor.dtype);
    tensor.setTensorShape(shapeProto(pb, attr.tensor.shape));
    const { data } = attr.tensor;
    tensor.setTensorContent(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    value.setTensor(tensor);
    return value;
  }
  const { type } = attr;
  if (type === binding.TF_ATTR_SHAPE) {
    value.setShape(shapeProto(pb, attr.value as number[]));
  } else if (Array.isArray(attr.value)) {
    const list = new pb.AttrValue.ListValue();
    if (type === binding.TF_ATTR_INT) list.setIList(attr.value as number[]);
    else if (type === binding.TF_ATTR_FLOAT) list.setFList(attr.value as number[]);
    else if (type === binding.TF_ATTR_BOOL) list.setBList(attr.value as boolean[]);
    else if (type === binding.TF_ATTR_TYPE) list.setTypeList(attr.value as number[]);
    else throw new Error(`graph attribute ${attr.name}: a list of TensorFlow attribute type ${type} is not supported`);
    value.setList(list);
  } else if (type === binding.TF_ATTR_STRING) value.setS(new TextEncoder().encode(attr.value as string));
  else if (type === binding.TF_ATTR_INT) value.setI(attr.value as number);
  else if (type === binding.TF_ATTR_FLOAT) value.setF(attr.value as number);
  else if (type === binding.TF_ATTR_BOOL) value.setB(attr.value as boolean);
  else if (type === binding.TF_ATTR_TYPE) value.setType(attr.value as number);
  else throw new Error(`graph attribute ${attr.name}: TensorFlow attribute type ${type} is not supported`);
  return value;
}

/** `graph` as a SavedModel's bytes: one meta-graph tagged 'serve', no variables, no signatures. */
function savedModelBytes(pb: TensorFlowProtos, binding: TensorFlowBackend['binding'], graph: GraphBuilder): Uint8Array {
  const graphDef = new pb.GraphDef();
  for (const node of graph.nodes) {
    const def = new pb.NodeDef();
    def.setName(node.name);
    def.setOp(node.op);
    def.setInputList(node.inputs);
    const attrs = def.getAttrMap();
    for (const attr of node.attrs) attrs.set(attr.name, attrProto(pb, binding, attr));
    graphDef.addNode(def);
  }
  const versions = new pb.VersionDef();
  // A producer old enough for tfjs-node's own libtensorflow (2.9): TensorFlow reads it for op
  // deprecations only, and these ops have none.
  versions.setProducer(1000);
  graphDef.setVersions(versions);
  const info = new pb.MetaGraphDef.MetaInfoDef();
  info.setTagsList(['serve']);
  const metaGraph = new pb.MetaGraphDef();
  metaGraph.setMetaInfoDef(info);
  metaGraph.setGraphDef(graphDef);
  const savedModel = new pb.SavedModel();
  savedModel.setSavedModelSchemaVersion(1);
  savedModel.addMetaGraphs(metaGraph);
  return savedModel.serializeBinary();
}

/**
 * A graph loaded as a TensorFlow session on the active 'tensorflow' backend: `run` feeds tensors to
 * placeholders by name and returns the fetched outputs as tfjs tensors. State in the graph's
 * resource variables lives as long as the session. Throws TensorFlow's message where the graph does
 * not load (an op or attribute this library does not have).
 */
export class TensorFlowSession {
  private readonly backend = tf.backend() as unknown as TensorFlowBackend;
  private readonly id: number;

  constructor(graph: GraphBuilder) {
    const dir = mkdtempSync(join(tmpdir(), 'latent-explorer-graph-'));
    try {
      writeFileSync(join(dir, 'saved_model.pb'), savedModelBytes(tensorFlowProtos(), this.backend.binding, graph));
      this.id = this.backend.binding.loadSavedModel(dir, 'serve');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs the graph once: each tensor in `feeds` (keyed by placeholder name) in, the outputs named
   * in `fetches` ("node" or "node:i") out, as new tensors the caller owns.
   */
  run(feeds: [string, tf.Tensor][], fetches: string[]): tf.Tensor[] {
    const { backend } = this;
    const ids = backend.getInputTensorIds(feeds.map(([, tensor]) => tensor));
    const outputs = backend.binding.runSavedModel(this.id, ids, feeds.map(([name]) => name).join(','), fetches.join(','));
    return outputs.map((handle) => backend.createOutputTensor(handle));
  }

  dispose(): void {
    this.backend.binding.deleteSavedModel(this.id);
  }
}
