package dokkumigrate.adapters.jdbc;

import dokkumigrate.adapters.jdbc.Jdbc.Change;
import dokkumigrate.adapters.jdbc.Jdbc.Work;

/** How a ledger backend runs work on its connection: reads, and writes in one transaction each. */
public interface Transactions {

    /** Runs read-only work; {@code what} says what it was for when it fails. */
    <T> T query(String what, Work<T> work);

    /** Runs work in one transaction: all of it is written, or none. */
    <T> T write(String what, Work<T> work);

    /** As {@link #write}, for a change that returns nothing. */
    default void change(String what, Change change) {
        write(what, c -> {
            change.apply(c);
            return null;
        });
    }
}
