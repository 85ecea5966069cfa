// Starts and closes the embedded receiver; run by receiver_test.ts without --allow-read.
import { startReceiver } from "../receiver.ts";

const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
await receiver.close();
console.log("closed");
