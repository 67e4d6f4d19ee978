package io.aicunet.platform.privacy;

import java.io.InputStream;

/** A stream of {@code sizeBytes} reproducible bytes that are not all alike, made as they are read. */
final class GeneratedContent extends InputStream {

    private final long sizeBytes;
    private long position;
    private long state = 0x9E3779B97F4A7C15L;

    private GeneratedContent(long sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    static InputStream of(long sizeBytes) {
        return new GeneratedContent(sizeBytes);
    }

    @Override
    public int read() {
        if (position == sizeBytes) {
            return -1;
        }
        return next();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position == sizeBytes) {
            return -1;
        }
        int count = (int) Math.min(length, sizeBytes - position);
        for (int i = 0; i < count; i++) {
            buffer[offset + i] = (byte) next();
        }
        return count;
    }

    private int next() {
        position++;
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return (int) (state & 0xff);
    }
}
