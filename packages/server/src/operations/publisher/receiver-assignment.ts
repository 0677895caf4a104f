import { randomUUID } from 'node:crypto'
import type { Store } from '../../store/store.js'
import { ShareFault } from '../../share/share-fault.js'

/**
Makes `serial` the account's receiver and returns the receiver id. A serial another account
holds is refused: taking it over would silently cut that publisher's uploads.
*/
export async function assignSerial(
  store: Store,
  accountKey: number,
  serial: string,
): Promise<string> {
  const monitoring = await store.readMonitoring(accountKey)
  if (monitoring.receiver?.serialNumber === serial) return monitoring.receiver.id
  const result = await store.assignReceiver(accountKey, serial, randomUUID())
  if (result.status === 'taken') throw new ShareFault('SerialNumberAssignedToSomeoneElse')
  return result.receiverId
}
