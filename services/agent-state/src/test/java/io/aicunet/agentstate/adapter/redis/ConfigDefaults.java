package io.aicunet.agentstate.adapter.redis;

import io.smallrye.config.WithDefault;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

/**
 * A {@code @ConfigMapping} interface answered by its {@code @WithDefault} values, nested
 * groups included, but for the given overrides (by path of method names, e.g.
 * {@code redis.waitReplicas}): the service's settings for adapters built without an
 * application boot.
 */
final class ConfigDefaults {

    private ConfigDefaults() {
    }

    static <T> T of(Class<T> mapping, Map<String, Object> overrides) {
        return of(mapping, "", overrides);
    }

    private static <T> T of(Class<T> mapping, String path, Map<String, Object> overrides) {
        return mapping.cast(Proxy.newProxyInstance(mapping.getClassLoader(), new Class<?>[] {mapping},
                (proxy, method, arguments) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("toString") ? mapping.getSimpleName() : null;
                    }
                    String name = path + method.getName();
                    if (overrides.containsKey(name)) {
                        return overrides.get(name);
                    }
                    if (method.getReturnType().isInterface() && method.getAnnotation(WithDefault.class) == null) {
                        return of(method.getReturnType(), name + ".", overrides);
                    }
                    return value(method);
                }));
    }

    private static Object value(Method method) {
        WithDefault given = method.getAnnotation(WithDefault.class);
        if (given == null) {
            throw new UnsupportedOperationException(method + " has no default");
        }
        String text = given.value();
        Class<?> type = method.getReturnType();
        if (type == int.class) {
            return Integer.parseInt(text);
        }
        if (type == long.class) {
            return Long.parseLong(text);
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(text);
        }
        if (type == Duration.class) {
            return text.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text))
                    : Duration.parse("PT" + text.toUpperCase());
        }
        if (type == String.class) {
            return text;
        }
        throw new UnsupportedOperationException(method + " returns " + type);
    }
}
