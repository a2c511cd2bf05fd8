package dev.terrarium.requirements;

/** A parsed entry with the text it came from, so that later checks can name it. */
record Parsed<T>(SourcedText source, T value) {}
