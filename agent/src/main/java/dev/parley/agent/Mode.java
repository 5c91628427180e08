package dev.parley.agent;

/** When a persona speaks. */
public enum Mode {
  /** It decides itself when to listen and when to speak. */
  FREE,
  /** The passive assistant: it waits until a message mentions it, then answers. */
  MENTION
}
