/** The pieces of @tunnelscope/ike the server uses. */
export { formatDecryptionTable, NOTIFY_NAMES, NOTIFY_SHORT_NAMES, writePcap } from '@tunnelscope/ike';
export type { IkeSaKeyEntry, UdpDatagram } from '@tunnelscope/ike';
