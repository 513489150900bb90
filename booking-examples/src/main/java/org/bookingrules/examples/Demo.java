package org.bookingrules.examples;

/** Placeholder: the demo is being written. */
public final class Demo {
    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("Booking Rules demo");
    }
}
