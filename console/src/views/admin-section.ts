/**
 * What every admin tab is: an element, told when it is shown and hidden (to start and stop
 * polling), and dropped when the admin leaves the page.
 */
export interface AdminSection {
  el: HTMLElement;
  show?(): void;
  hide?(): void;
  destroy?(): void;
}
