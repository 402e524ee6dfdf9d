import { safeStorage } from 'electron'
import type { SecretCipher } from '../services/session/session-vault'

/** The OS secret store (Keychain, DPAPI, libsecret) seals the kept session; none when it is unavailable. */
export function osSecretCipher(): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  }
}
