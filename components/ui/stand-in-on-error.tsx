import { Component, type ReactNode } from "react";

/** A deferred panel's code could not be loaded (offline, or a deploy replaced it): the stand-in stays, not the page's error. */
export class StandInOnError extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
