package io.aicunet.platform.privacy;

import java.io.InputStream;
import java.util.Iterator;
import java.util.Objects;

/**
 * An InputStream over lines made one at a time (an export's JSON Lines): only the line
 * being read is in memory, so a writer can stream a large export into an {@link ObjectStore}.
 */
public final class LinesInputStream extends InputStream {

    private final Iterator<byte[]> lines;
    private byte[] line = new byte[0];
    private int position;

    public LinesInputStream(Iterator<byte[]> lines) {
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    @Override
    public int read() {
        if (!advance()) {
            return -1;
        }
        return line[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (!advance()) {
            return -1;
        }
        int count = Math.min(length, line.length - position);
        System.arraycopy(line, position, buffer, offset, count);
        position += count;
        return count;
    }

    /** True when a byte is there to read, taking the next non-empty line when this one is done. */
    private boolean advance() {
        while (position == line.length) {
            if (!lines.hasNext()) {
                return false;
            }
            line = Objects.requireNonNull(lines.next(), "a line");
            position = 0;
        }
        return true;
    }
}
