package io.aicunet.platform.problem;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP methods each REST path of the application has, read once from its resource
 * classes ({@code @Path} beans and their resource methods), so a 405 can say in
 * {@code Allow} what the path does take (RFC 9110 15.5.6): the framework's own 405 does
 * not. Sub-resource locators are not followed; the fleet has none.
 */
final class AllowedMethods {

    private record Route(Pattern path, String method) {
    }

    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*\\w[\\w.-]*\\s*(?::\\s*((?:[^{}]|\\{[^{}]*})*))?}");

    private static volatile List<Route> routes;

    private AllowedMethods() {
    }

    /** The methods the path {@code requestPath} (without query) has, sorted; empty when no route matches it. */
    static Set<String> of(String requestPath) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes()) {
            if (route.path().matcher(requestPath).matches()) {
                allowed.add(route.method());
            }
        }
        return allowed;
    }

    /**
     * What {@code OPTIONS} on {@code requestPath} answers in {@code Allow}: its methods, plus
     * {@code OPTIONS}, and {@code HEAD} where it has {@code GET} (the framework answers HEAD
     * with the GET method); empty when no route matches it.
     */
    static Set<String> forOptions(String requestPath) {
        return withOptions(of(requestPath));
    }

    /** {@code methods} as {@code OPTIONS} answers them (see {@link #forOptions}). */
    static Set<String> withOptions(Set<String> methods) {
        Set<String> allowed = new TreeSet<>(methods);
        if (allowed.isEmpty()) {
            return allowed;
        }
        allowed.add(HttpMethod.OPTIONS);
        if (allowed.contains(HttpMethod.GET)) {
            allowed.add(HttpMethod.HEAD);
        }
        return allowed;
    }

    /** The methods of {@code requestPath} among the routes of {@code resources}: scanning without the container. */
    static Set<String> of(String requestPath, List<Class<?>> resources) {
        Set<String> allowed = new TreeSet<>();
        for (Route route : routesOf(resources)) {
            if (route.path().matcher(requestPath).matches()) {
                allowed.add(route.method());
            }
        }
        return allowed;
    }

    private static List<Route> routes() {
        List<Route> known = routes;
        if (known == null) {
            known = scan();
            routes = known;
        }
        return known;
    }

    private static List<Route> scan() {
        return routesOf(Arc.container().beanManager().getBeans(Object.class).stream()
                .filter(InjectableBean.class::isInstance).map(b -> (InjectableBean<?>) b)
                .<Class<?>>map(InjectableBean::getBeanClass).toList());
    }

    private static List<Route> routesOf(List<Class<?>> resources) {
        List<Route> found = new ArrayList<>();
        for (Class<?> resource : resources) {
            Path classPath = resource.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                String httpMethod = httpMethodOf(method);
                if (httpMethod != null) {
                    Path methodPath = method.getAnnotation(Path.class);
                    String template = join(classPath.value(), methodPath == null ? "" : methodPath.value());
                    found.add(new Route(regexOf(template), httpMethod));
                }
            }
        }
        return List.copyOf(found);
    }

    private static String httpMethodOf(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod designator = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (designator != null) {
                return designator.value();
            }
        }
        return null;
    }

    private static String join(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static Pattern regexOf(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher variable = TEMPLATE.matcher(template);
        int last = 0;
        while (variable.find()) {
            regex.append(Pattern.quote(template.substring(last, variable.start())));
            regex.append('(').append(variable.group(1) == null ? "[^/]+" : variable.group(1)).append(')');
            last = variable.end();
        }
        regex.append(Pattern.quote(template.substring(last))).append("/?");
        return Pattern.compile(regex.toString());
    }
}
