package io.aicunet.platform.problem;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a use case returns: the value it produced, or the {@link Problem} that
 * stopped it. A failed result has changed nothing.
 */
public sealed interface Result<T> {

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> failed(Problem problem) {
        return new Failed<>(problem);
    }

    boolean isOk();

    /** The value of an {@link Ok}; a bug to call on a {@link Failed}. */
    T value();

    /** The problem of a {@link Failed}; a bug to call on an {@link Ok}. */
    Problem problem();

    /** Applies {@code mapper} to the value of an {@link Ok}; a {@link Failed} stays as it is. */
    <U> Result<U> map(Function<? super T, ? extends U> mapper);

    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean isOk() {
            return true;
        }

        @Override
        public Problem problem() {
            throw new IllegalStateException("an ok result has no problem");
        }

        @Override
        public <U> Result<U> map(Function<? super T, ? extends U> mapper) {
            return new Ok<>(mapper.apply(value));
        }
    }

    record Failed<T>(Problem problem) implements Result<T> {
        public Failed {
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public boolean isOk() {
            return false;
        }

        @Override
        public T value() {
            throw new IllegalStateException("a failed result has no value: " + problem.detail());
        }

        @Override
        public <U> Result<U> map(Function<? super T, ? extends U> mapper) {
            return new Failed<>(problem);
        }
    }
}
