package dev.parley.cli;

import picocli.CommandLine.IVersionProvider;

/** The version, from the jar's manifest when there is one. */
final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = ParleyCommand.class.getPackage().getImplementationVersion();
    return new String[] {"parley " + (v == null ? "(development build)" : v)};
  }
}
