package org.bookingrules.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Not API. Name-based (type 3, MD5) UUIDs, equal to {@link UUID#nameUUIDFromBytes} of the name's
 * UTF-8 bytes, without looking the digest up for each one: every change's notifications get such
 * an id, and {@code MessageDigest.getInstance} costs more than the digest of a short name. Each
 * thread keeps its own digest. Thread-safe.
 */
public final class NameUuids {

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must have MD5 (MessageDigest's class comment).
            throw new IllegalStateException("MD5 not supported", e);
        }
    });

    private NameUuids() {
    }

    /**
     * The name-based UUID of a name.
     *
     * @param name the name, not null
     * @return {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8))}
     */
    public static UUID of(String name) {
        byte[] md5 = MD5.get().digest(name.getBytes(StandardCharsets.UTF_8));
        md5[6] = (byte) (md5[6] & 0x0f | 0x30);
        md5[8] = (byte) (md5[8] & 0x3f | 0x80);
        return new UUID(bigEndian(md5, 0), bigEndian(md5, 8));
    }

    /** The eight bytes from {@code from}, big-endian. */
    private static long bigEndian(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = value << 8 | bytes[i] & 0xff;
        }
        return value;
    }
}
