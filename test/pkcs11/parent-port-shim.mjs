// Loaded with --import into a forked Node child: gives it the two things an Electron
// utility process has and a forked child lacks — `process.parentPort` (messages arrive as
// `{ data }` events) and an argv that does not carry the fork arguments — so the bridge
// worker's utility-process path runs under Node (the Electron binary is not available to
// the test machines). Messages still travel over Node's IPC channel underneath.
import { EventEmitter } from 'node:events';

const port = new EventEmitter();
process.on('message', (data) => port.emit('message', { data }));
port.postMessage = (message) => process.send(message);
process.parentPort = port;
process.argv.splice(2);
