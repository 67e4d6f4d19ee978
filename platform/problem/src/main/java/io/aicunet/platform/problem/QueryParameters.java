package io.aicunet.platform.problem;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Query parameters, read the same way by every service.
 * <ul>
 *   <li>A parameter the operation does not declare is refused (400 naming it) before
 *       the resource runs, like an unknown body property (StrictJson): a misspelt filter
 *       ({@code ?statuss=active}) would otherwise widen a query silently.</li>
 *   <li>Whole numbers and flags are read here ({@link #wholeNumber}, {@link #flag}) rather than by JAX-RS, which
 *       answers a parameter it cannot convert with 404 and knows no range: a malformed or
 *       out-of-range number is a 400 naming it, and a whole number may be written as the
 *       OpenAPI document's integer allows ({@code 20}, {@code 20.0}, {@code 2e1}), as in a
 *       JSON body ({@link WholeNumbers}).</li>
 * </ul>
 */
public class QueryParameters {

    /** Longer than any number a parameter takes: refused before it is parsed. */
    private static final int NUMBER_LENGTH_MAX = 40;
    /** A parameter name is quoted in the problem up to this length. */
    private static final int NAME_SHOWN_MAX = 100;

    private final Map<Method, Set<String>> declared = new ConcurrentHashMap<>();

    /** After authentication (a caller without a token hears 401 whatever its query). */
    @ServerRequestFilter(priority = Priorities.USER + 100)
    public Optional<Response> refuseUnknown(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return Optional.empty();
        }
        Set<String> known = declared.computeIfAbsent(method, QueryParameters::declaredBy);
        Set<String> sent = request.getUriInfo().getQueryParameters().keySet();
        if (known.containsAll(sent)) {
            return Optional.empty();
        }
        return sent.stream()
                .filter(name -> !known.contains(name))
                .sorted()
                .findFirst()
                .map(name -> HttpProblems.toResponse(unknown(name, known)));
    }

    static Problem unknown(String name, Set<String> known) {
        String shown = name.length() <= NAME_SHOWN_MAX ? name : name.substring(0, NAME_SHOWN_MAX);
        return Problem.InvalidArgument.of(shown, "is not a parameter of this operation" + (known.isEmpty()
                ? ", which takes none" : "; it takes " + String.join(", ", new TreeSet<>(known))));
    }

    /** The names of the method's {@code @QueryParam} parameters, those of its {@code @BeanParam} groups included. */
    static Set<String> declaredBy(Method method) {
        return Arrays.stream(method.getParameters())
                .flatMap(parameter -> parameter.isAnnotationPresent(BeanParam.class)
                        ? declaredIn(parameter.getType())
                        : Stream.ofNullable(parameter.getAnnotation(QueryParam.class)).map(QueryParam::value))
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Stream<String> declaredIn(Class<?> group) {
        return Stream.<Class<?>>iterate(group, type -> type != null && type != Object.class, Class::getSuperclass)
                .flatMap(type -> Arrays.stream(type.getDeclaredFields()))
                .map(field -> field.getAnnotation(QueryParam.class))
                .filter(Objects::nonNull)
                .map(QueryParam::value);
    }

    /**
     * The whole number in {@code text}; {@code absent} when the parameter was not sent
     * (or sent empty, which Quarkus REST hands over as not sent); empty when the text is
     * not a whole number from {@code min} to {@code max}.
     */
    public static OptionalLong wholeNumber(String text, long absent, long min, long max) {
        if (text == null || text.isEmpty()) {
            return OptionalLong.of(absent);
        }
        if (text.length() > NUMBER_LENGTH_MAX) {
            return OptionalLong.empty();
        }
        try {
            BigDecimal value = new BigDecimal(text);
            // The range first: it compares exponents, so 1e999999 is refused without being expanded.
            if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0
                    || (value.signum() != 0 && value.stripTrailingZeros().scale() > 0)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(value.longValueExact());
        } catch (NumberFormatException | ArithmeticException notWhole) {
            return OptionalLong.empty();
        }
    }

    /** Like {@link #wholeNumber}, adding a violation on {@code field} (and answering {@code absent}) when it is not one. */
    public static long wholeNumber(String field, String text, long absent, long min, long max,
                                   List<Problem.FieldViolation> violations) {
        OptionalLong value = wholeNumber(text, absent, min, max);
        if (value.isEmpty()) {
            violations.add(new Problem.FieldViolation(field, "must be an integer from " + min + " to " + max));
            return absent;
        }
        return value.getAsLong();
    }

    /**
     * {@code true} or {@code false}; {@code absent} when not sent; any other text adds a
     * violation on {@code field} (JAX-RS would read it as false).
     */
    public static boolean flag(String field, String text, boolean absent, List<Problem.FieldViolation> violations) {
        if (text == null) {
            return absent;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        violations.add(new Problem.FieldViolation(field, "must be true or false"));
        return absent;
    }
}
