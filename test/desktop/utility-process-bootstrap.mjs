// SIMULATION of an Electron utility process (see electron-simulation.ts): a plain Node child that
// gives the module it runs what Electron would, `process.parentPort`, with MessagePorts that the
// parent transfers arriving as `event.ports` (relayed over Node's IPC channel), then imports it.
// Plain JavaScript, so the built engine runs without any TypeScript loader, as shipped.
import childProcess from 'node:child_process';
import { EventEmitter } from 'node:events';
import { syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
// The module sees the argv Electron gives a utility process: its own path, then its arguments.
process.argv.splice(1, process.argv.length - 1, entry, ...args);

/** A transferred MessagePortMain: queues until start(), like Electron's. */
class SimulatedPort extends EventEmitter {
  #queue = [];
  #started = false;
  constructor(id) {
    super();
    this.id = id;
  }
  receive(data) {
    if (this.#started) this.emit('message', { data, ports: [] });
    else this.#queue.push(data);
  }
  start() {
    this.#started = true;
    for (const data of this.#queue.splice(0)) this.emit('message', { data, ports: [] });
  }
  postMessage(data) {
    process.send({ kind: 'port-message', id: this.id, data });
  }
  close() {
    process.send({ kind: 'port-close', id: this.id });
    this.emit('close');
  }
}

const ports = new Map();
const parentPort = new EventEmitter();
parentPort.postMessage = (data) => process.send({ kind: 'parent-message', data, ports: [] });
process.parentPort = parentPort;
// Like Electron's parent port, messages wait until the module listens (Electron starts the port on
// the first 'message' listener): a message sent while the module still loads is not lost.
const waiting = [];
let listening = false;
parentPort.on('newListener', (name) => {
  if (name !== 'message' || listening) return;
  listening = true;
  queueMicrotask(() => {
    for (const event of waiting.splice(0)) parentPort.emit('message', event);
  });
});

process.on('message', (wire) => {
  if (wire.kind === 'parent-message') {
    const transferred = wire.ports.map((id) => {
      const port = new SimulatedPort(id);
      ports.set(id, port);
      return port;
    });
    const event = { data: wire.data, ports: transferred };
    if (listening) parentPort.emit('message', event);
    else waiting.push(event);
  } else if (wire.kind === 'port-message') {
    ports.get(wire.id)?.receive(wire.data);
  } else if (wire.kind === 'exit') {
    process.exit(wire.code); // the test stands in for an exit the engine decides on (see UtilityWire)
  }
});

// Every program the engine starts is reported to the parent: in a packaged app the binaries of its
// dependencies lie inside app.asar, where only Electron's own execFile could reach them.
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function (command, ...rest) {
    process.send({ kind: 'spawned', command: String(command) });
    return original.call(this, command, ...rest);
  };
}
syncBuiltinESMExports();

await import(pathToFileURL(entry).href);
