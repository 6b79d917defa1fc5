// Presentation mode, for teaching from a projector: the window hides its side panels and status
// bar and enlarges what is left; the latent view shows the probe's decoded image large and takes
// the probe and the path's steps from the keyboard (a presenter's remote sends PageUp/PageDown).
class Presentation {
  on = $state(false);

  toggle(): void {
    this.on = !this.on;
  }
}

export const presentation = new Presentation();
