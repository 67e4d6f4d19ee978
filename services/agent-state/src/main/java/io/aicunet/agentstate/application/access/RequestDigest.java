package io.aicunet.agentstate.application.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/** SHA-256 of a request's meaning, so that a retry in any spelling matches and another request does not. */
public final class RequestDigest {

    private final MessageDigest sha256;

    private RequestDigest(String operation) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        add(operation);
    }

    public static RequestDigest of(String operation) {
        return new RequestDigest(operation);
    }

    /** Adds a part, length-prefixed so that no two sequences of parts digest alike. */
    public RequestDigest add(Object part) {
        byte[] bytes = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
        sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) ':');
        sha256.update(bytes);
        return this;
    }

    public RequestDigest add(Map<String, String> map) {
        new TreeMap<>(map).forEach((key, value) -> add(key).add(value));
        return add(map.size());
    }

    public byte[] finish() {
        return sha256.digest();
    }
}
