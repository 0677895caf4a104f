import { randomUUID } from 'node:crypto'
import { SHARE_FAULTS, type FaultCode, type WireFault } from '@glucoshare/sdk'

/**
An application fault that renders as Share's envelope: HTTP 500 (or the status the spec names)
with `{"Code","Message","SubCode","TypeName":"FaultException"}`.
Messages must never contain a session id or a password.
*/
export class ShareFault extends Error {
  override readonly name = 'ShareFault'
  readonly code: FaultCode
  readonly status: number

  constructor(code: FaultCode, message?: string, status = 500) {
    super(message ?? SHARE_FAULTS[code].message)
    this.code = code
    this.status = status
  }

  /** The wire body, with a SubCode in the JSON form Share uses since late 2025. */
  toWire(now = Date.now()): WireFault {
    const info = SHARE_FAULTS[this.code]
    const thrown = new Date(now).toISOString()
    const onlineException = {
      OnlineException: {
        DateThrownLocal: thrown,
        DateThrown: thrown,
        ErrorCode: this.code,
        Type: info.type[1],
        Category: info.category[1],
        Severity: info.severity[1],
        TypeString: info.type[0],
        CategoryString: info.category[0],
        SeverityString: info.severity[0],
        HostName: '',
        HostIP: '',
        Id: randomUUID(),
        Message: this.message,
        FullText: `glucoshare.OnlineException: ${this.message}`,
      },
    }
    return {
      Code: this.code,
      Message: this.message,
      SubCode: JSON.stringify(onlineException, null, 2),
      TypeName: 'FaultException',
    }
  }
}

/** A bad-argument fault naming the offending parameter. */
export function invalidArgument(message: string, status = 500): ShareFault {
  return new ShareFault('InvalidArgument', message, status)
}
