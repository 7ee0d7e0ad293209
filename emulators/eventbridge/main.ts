// The EventBridge emulator on its own (the docker-compose service):
//   SQS_ENDPOINT=http://127.0.0.1:4566 node --import tsx emulators/eventbridge/main.ts
// Settings: see settings.ts. SIGINT/SIGTERM stop it after in-flight deliveries finish.
import { startEventBridgeEmulator } from './server.js';
import { emulatorSettingsFromEnv } from './settings.js';

const settings = emulatorSettingsFromEnv(process.env);
const emulator = await startEventBridgeEmulator(settings);
console.log(
  `EventBridge emulator listening on ${settings.host}:${emulator.port} (region ${emulator.region}, account ${emulator.account}; SQS at ${settings.sqsEndpoint})`,
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  emulator.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
