/** A Temporal client that speaks through the shared (encrypting) data converter. */
import { Client, Connection } from '@temporalio/client';
import { createDataConverter, type CodecKeys } from '../codec/data-converter';

export interface ClientOptions {
  address: string;
  namespace: string;
  codecKeys: CodecKeys;
}

export async function connectClient({ address, namespace, codecKeys }: ClientOptions): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace, dataConverter: createDataConverter(codecKeys) });
}
