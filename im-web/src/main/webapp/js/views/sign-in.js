// The signed-out page: one form, two ways out (Sign in, Create account).

export class SignInView {
    /**
     * @param {{onSignIn: function(string, string): Promise, onCreate: function(string, string, string): Promise}} actions
     *        each returns a promise; a rejection's message is shown under the form
     */
    constructor(actions) {
        this.root = document.getElementById('sign-in-view');
        this.form = document.getElementById('sign-in-form');
        this.error = document.getElementById('sign-in-error');
        this.form.addEventListener('submit', (event) => {
            event.preventDefault();
            this.run(() => actions.onSignIn(this.value('username'), this.form.password.value));
        });
        document.getElementById('create-account').addEventListener('click', () => {
            this.run(() => actions.onCreate(this.value('username'), this.form.password.value,
                this.value('displayName')));
        });
    }

    value(name) {
        return this.form[name].value.trim();
    }

    show(message = '') {
        this.root.hidden = false;
        this.form.password.value = '';
        this.error.textContent = message;
        this.form.username.focus();
    }

    hide() {
        this.root.hidden = true;
    }

    async run(action) {
        const buttons = this.form.querySelectorAll('button');
        buttons.forEach((button) => { button.disabled = true; });
        this.error.textContent = '';
        try {
            await action();
        } catch (e) {
            this.error.textContent = e.message;
        } finally {
            buttons.forEach((button) => { button.disabled = false; });
        }
    }
}
