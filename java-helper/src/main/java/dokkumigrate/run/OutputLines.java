package dokkumigrate.run;

/**
 * Hears a task's output line by line while it streams, as raw bytes without the newline (nor a
 * trailing carriage return). A line longer than {@link TaskOutput}'s display limit is never
 * handed over: only its display parts are shown. Called on the thread that copies the output;
 * an implementation must not keep the array.
 */
public interface OutputLines {
    void line(byte[] bytes, int offset, int length);
}
